import type { Server } from 'node:http';
import type { Socket } from 'node:net';

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
