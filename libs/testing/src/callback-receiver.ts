import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver does with one request: answer a status, or cut the connection. */
export type ReceiverStep = number | 'cut';

export interface ReceivedCallback {
  path: string;
  contentType: string;
  body: string;
  at: number;
  /** The status answered, or 'cut'. */
  answered: ReceiverStep;
}

/**
 * A real local HTTP receiver for outbound callbacks (an integration's endpoint).
 * Each path follows its own script of answers (e.g. [500, 'cut'] then 200 for good).
 */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  private readonly scripts = new Map<string, ReceiverStep[]>();
  private server?: Server;
  url = '';

  /** The answers for `path`, in order; once used up, 200. */
  script(path: string, steps: ReceiverStep[]): string {
    this.scripts.set(path, [...steps]);
    return `${this.url}${path}`;
  }

  /** Requests that reached `path`. */
  at(path: string): ReceivedCallback[] {
    return this.received.filter((r) => r.path === path);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0]!;
        const step = this.scripts.get(path)?.shift() ?? 200;
        this.received.push({
          path,
          contentType: String(req.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
          answered: step,
        });
        if (step === 'cut') req.socket.destroy();
        else res.writeHead(step).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
