import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const INSTALL_HINT: Record<string, string> = {
  'nats-server': 'apt-get update && apt-get install -y nats-server (or run `npm start` once, which installs it)',
  'redis-server': 'apt-get update && apt-get install -y redis-server (or run `npm start` once, which installs it)',
  prometheus: 'apt-get update && apt-get install -y prometheus (or run `npm start` once, which installs it)',
  'prometheus-node-exporter': 'apt-get update && apt-get install -y prometheus-node-exporter (optional)',
  initdb: 'apt-get update && apt-get install -y postgresql (or run `npm start` once, which installs it)',
  postgres: 'apt-get update && apt-get install -y postgresql (or run `npm start` once, which installs it)',
  ruby: "apt-get update && apt-get install -y ruby (bbb-sim runs BBB's post_publish scripts with it, as BBB does)",
};

/** Debian's postgresql package keeps its binaries off PATH, one directory per major version. */
const EXTRA_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function requireBinary(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim() || EXTRA_DIRS.map((d) => join(d, name)).find((p) => existsSync(p));
  if (!path) {
    throw new Error(
      `${name} is not installed, and the tests need a real one. Install it: ${INSTALL_HINT[name] ?? name}`,
    );
  }
  return path;
}

export function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

export interface ServerProcessOptions {
  /** Run as this user (PostgreSQL refuses root); the data dir is handed to it. */
  user?: { uid: number; gid: number };
  /** The signal that stops it promptly (PostgreSQL: SIGINT, a fast shutdown; SIGTERM waits for clients). */
  stopSignal?: NodeJS.Signals;
  /** A script run by this Node (`node <script> ...args`) instead of a binary named `name` on PATH. */
  nodeScript?: string;
  /** Extra environment (secrets go here, never in argv). */
  env?: Record<string, string>;
}

/**
 * A real server binary on a loopback port, in a private temp dir. `restart()`
 * keeps port and data, so fault tests can take it away and bring it back.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private output = '';
  readonly dataDir: string;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly args: (dataDir: string) => string[],
    private readonly opts: ServerProcessOptions = {},
  ) {
    this.dataDir = mkdtempSync(join(tmpdir(), `ensemble-${name}-`));
  }

  async start(): Promise<this> {
    const { nodeScript, env, user } = this.opts;
    const [bin, pre] = nodeScript ? [process.execPath, [nodeScript]] : [requireBinary(this.name), []];
    const child = spawn(bin, [...pre, ...this.args(this.dataDir)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(env ? { env: { ...process.env, ...env } } : {}),
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    this.child = child;
    live.add(child);
    child.stdout?.on('data', (d: Buffer) => this.keep(d));
    child.stderr?.on('data', (d: Buffer) => this.keep(d));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`${this.name} exited (${code}) during start:\n${this.output}`))),
    );
    await Promise.race([waitForPort(this.port), exited]);
    return this;
  }

  /** Stops the process (SIGTERM, then SIGKILL) and waits for it to be gone. */
  async stop(signal: NodeJS.Signals = this.opts.stopSignal ?? 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
    live.delete(child);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private keep(d: Buffer): void {
    this.output = (this.output + d.toString()).slice(-8000);
  }
}
