// Child processes of the local stack: started in order, stopped in reverse, never left behind.
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function portFree(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** The contract's default port when free, else any free one. */
export async function preferredPort(port) {
  return (await portFree(port)) ? port : freePort();
}

export function waitForPort(port, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve()));
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export class Supervisor {
  children = [];
  stopping = false;

  constructor(onUnexpectedExit) {
    this.onUnexpectedExit = onUnexpectedExit;
    // If we die anyway, take the children with us.
    process.once('exit', () => {
      for (const { child } of this.children) if (child.exitCode === null) child.kill('SIGKILL');
    });
  }

  /** `user` ({ uid, gid }): run as that user (PostgreSQL refuses root); `stopSignal`: what stops it promptly. */
  start(name, cmd, args, { env = {}, cwd, quiet = false, user, stopSignal = 'SIGTERM' } = {}) {
    // Own process group: a terminal's Ctrl-C reaches only us, and we stop the
    // children in order (services before Redis and NATS).
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', quiet ? 'ignore' : 'inherit'],
      detached: true,
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    this.children.push({ name, child, stopSignal });
    child.once('exit', (code, signal) => {
      if (!this.stopping) this.onUnexpectedExit(name, code ?? signal);
    });
    return child;
  }

  /** SIGTERM (or the child's own stop signal) in reverse start order, SIGKILL after a grace period. */
  async stopAll(graceMs = 8000) {
    this.stopping = true;
    for (const { child, stopSignal } of [...this.children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill(stopSignal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    }
  }
}
