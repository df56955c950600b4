import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';

/**
 * Listens on `port` (0: a free one) and keeps every open socket in `sockets`, so a
 * stop can destroy them at once instead of waiting for keep-alive to end.
 * Resolves with the bound port.
 */
export function listenTracked(server: Server, port: number, host: string, sockets: Set<Socket>): Promise<number> {
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(addr && typeof addr === 'object' ? addr.port : port);
    });
  });
}

/**
 * For a simulator's CLI: says where its control API listens, then on SIGTERM or
 * SIGINT closes that API and runs `stop`, exiting 0 (or 1 if `stop` fails).
 */
export function runUntilSignal(opts: { name: string; control?: Server; stop: () => Promise<void> }): void {
  const { control } = opts;
  if (control) {
    const addr = control.address();
    const port = addr && typeof addr === 'object' ? addr.port : '?';
    process.stderr.write(`${opts.name}: control API on http://127.0.0.1:${port}\n`);
  }
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    control?.closeAllConnections();
    control?.close();
    opts.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** Starts a simulator's nodes one by one; if one fails, stops what started and rethrows. */
export async function startEach(nodes: ReadonlyArray<{ start(): Promise<unknown> }>, stop: () => Promise<void>) {
  try {
    for (const n of nodes) await n.start();
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * For a simulator's CLI: its parsed arguments, or null after printing the usage
 * (`--help`); a bad argument prints the problem and the usage and exits 2.
 */
export function parseCliOrExit<T extends { help: boolean }>(name: string, usage: string, parse: () => T): T | null {
  let args: T;
  try {
    args = parse();
  } catch (e) {
    process.stderr.write(`${name}: ${(e as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  if (!args.help) return args;
  process.stdout.write(`${usage}\n`);
  return null;
}

/** The options every simulator CLI takes (`node:util` parseArgs shape); each adds its own. */
export const SIM_FLEET_OPTIONS = {
  nodes: { type: 'string' },
  'control-port': { type: 'string' },
  out: { type: 'string' },
  'id-prefix': { type: 'string' },
  keep: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** A whole-number flag within [min, max]; undefined when absent. */
export function intArg(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new Error(`--${name} must be an integer in ${min}..${max}`);
  return Number(v);
}

/**
 * The first `count` nodes a previous run wrote to its nodes file (`--keep`): each
 * node's port (0 when unknown) and secret, if any; undefined when there is no such file.
 */
export async function previousFleet(
  file: string,
  count: number,
): Promise<Array<{ port: number; secret: string | undefined }> | undefined> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  const nodes = (doc as { nodes?: Array<{ url?: unknown; secret?: unknown }> }).nodes;
  if (!Array.isArray(nodes)) return undefined;
  return Array.from({ length: count }, (_, i) => {
    const n = nodes[i];
    const port = typeof n?.url === 'string' ? Number(new URL(n.url).port) : 0;
    return { port: Number.isInteger(port) ? port : 0, secret: typeof n?.secret === 'string' ? n.secret : undefined };
  });
}

/**
 * Writes the fleet's nodes document (to `out`, else stdout), then opens the
 * control API (last: once it answers, the nodes file is complete) and runs
 * until a signal.
 */
export async function serveFleet(opts: {
  name: string;
  nodes: unknown[];
  out: string | undefined;
  fileMode?: number;
  control: (() => Promise<Server>) | undefined;
  stop: () => Promise<void>;
}): Promise<void> {
  const doc = `${JSON.stringify({ nodes: opts.nodes }, null, 2)}\n`;
  if (opts.out) await writeFile(opts.out, doc, opts.fileMode !== undefined ? { mode: opts.fileMode } : {});
  else process.stdout.write(doc);
  const control = opts.control ? await opts.control() : undefined;
  runUntilSignal({ name: opts.name, ...(control ? { control } : {}), stop: opts.stop });
}

/** A simulator CLI's entry: runs `main`, printing a failure as one line and exiting 1. */
export function runSimulator(name: string, main: () => Promise<void>): void {
  main().catch((e: Error) => {
    process.stderr.write(`${name}: ${e.message}\n`);
    process.exit(1);
  });
}
