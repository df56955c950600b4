import { createHash } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { listenTracked } from '@ensemble/testing';

/**
 * A stand-in for Ensemble's recording transfer endpoint (decision 101), strict about the
 * protocol: `PUT /api/recordings/transfer/v1/<recordID>/<format>` with the node's bearer token
 * and an RFC 9530 `Content-Digest: sha-256=:…:` that must match the body. A whole, matching
 * body is stored (201); the same digest again changes nothing (200). Faults can be queued.
 */
export type ReceiverFault = 'http-503' | 'reset-midway';

export interface TransferAttempt {
  recordID: string;
  format: string;
  status: number;
  authorized: boolean;
  /** The Content-Digest header as sent. */
  digest: string | undefined;
  /** Bytes received (fewer than sent when the connection was cut). */
  bytes: number;
}

export interface StoredTransfer {
  digest: string;
  body: Buffer;
  stores: number;
}

const PATH = /^\/api\/recordings\/transfer\/v1\/([0-9a-f]+-[0-9]+)\/([a-z0-9_-]+)$/;
const DIGEST = /^sha-256=:([A-Za-z0-9+/]{43}=):$/;

export class TransferReceiver {
  readonly attempts: TransferAttempt[] = [];
  /** Stored recordings by `<recordID>/<format>`: only whole, digest-checked uploads. */
  readonly stored = new Map<string, StoredTransfer>();
  private readonly faults: ReceiverFault[] = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;

  constructor(readonly token: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next requests fail this way, one fault each, in order. */
  failNext(...faults: ReceiverFault[]): void {
    this.faults.push(...faults);
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    this.server = server;
    this.port = await listenTracked(server, this.port, '127.0.0.1', this.sockets);
    return this;
  }

  /** Closes the port (Ensemble unreachable); `start()` opens the same one again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise((r) => server.close(r));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const m = PATH.exec(req.url ?? '');
    const attempt: TransferAttempt = {
      recordID: m?.[1] ?? '',
      format: m?.[2] ?? '',
      status: 0,
      authorized: req.headers.authorization === `Bearer ${this.token}`,
      digest: req.headers['content-digest'] as string | undefined,
      bytes: 0,
    };
    this.attempts.push(attempt);
    const answer = (status: number, body: object) => {
      attempt.status = status;
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify(body));
    };
    const fault = this.faults.shift();
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      attempt.bytes += c.length;
      hash.update(c);
      chunks.push(c);
      // Cut the connection once part of the body arrived: an interrupted upload.
      if (fault === 'reset-midway') req.socket.destroy();
    });
    req.on('end', () => {
      if (fault === 'reset-midway') return; // cut already
      if (req.method !== 'PUT' || !m) return answer(404, { error: { code: 'not-found' } });
      if (!attempt.authorized) return answer(401, { error: { code: 'unauthorized' } });
      if (fault === 'http-503') return answer(503, { error: { code: 'unavailable' } });
      const claimed = DIGEST.exec(attempt.digest ?? '')?.[1];
      if (!claimed)
        return answer(400, { error: { code: 'invalid-input', message: 'Content-Digest sha-256 required' } });
      if (claimed !== hash.digest('base64')) return answer(400, { error: { code: 'digest-mismatch' } });
      const key = `${attempt.recordID}/${attempt.format}`;
      const known = this.stored.get(key);
      if (known?.digest === claimed) return answer(200, { status: 'unchanged' });
      this.stored.set(key, { digest: claimed, body: Buffer.concat(chunks), stores: (known?.stores ?? 0) + 1 });
      answer(201, { status: 'stored' });
    });
  }
}
