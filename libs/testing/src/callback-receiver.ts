import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the receiver does with one request: answer a status, cut the connection, hold it
 * unanswered until the receiver stops (`hang`: an integration that is stuck), or redirect.
 */
export type ReceiverStep = number | 'cut' | 'hang' | { redirect: string };

export interface ReceivedCallback {
  method: string;
  path: string;
  /** The query string, without '?'. */
  query: string;
  contentType: string;
  authorization: string;
  userAgent: string;
  body: string;
  at: number;
  /** The status answered, 'cut', 'hang' or the redirect. */
  answered: ReceiverStep;
}

/**
 * A real local HTTP receiver for outbound callbacks (an integration's endpoint).
 * Each path follows its own script of answers (e.g. [500, 'cut'] then 200 for good).
 */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  private readonly scripts = new Map<string, ReceiverStep[]>();
  private readonly held = new Set<ServerResponse>();
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
        const [path, query = ''] = (req.url ?? '/').split(/\?(.*)/s) as [string, string?];
        const step = this.scripts.get(path)?.shift() ?? 200;
        this.received.push({
          method: req.method ?? '',
          path,
          query,
          contentType: String(req.headers['content-type'] ?? ''),
          authorization: String(req.headers.authorization ?? ''),
          userAgent: String(req.headers['user-agent'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
          answered: step,
        });
        if (step === 'cut') req.socket.destroy();
        else if (step === 'hang') this.held.add(res);
        else if (typeof step === 'object') res.writeHead(302, { location: step.redirect }).end();
        else res.writeHead(step).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.held.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
