import { createServer, type Server } from 'node:http';
import type { Metrics } from './metrics.js';

export type HealthCheck = () => Promise<Record<string, boolean>>;

/** `/metrics` and `/healthz` for a service that has no HTTP API of its own. */
export async function startOpsServer(opts: {
  port: number;
  host?: string;
  metrics: Metrics;
  health: HealthCheck;
}): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/metrics') {
        const { contentType, body } = await opts.metrics.exposition();
        res.writeHead(200, { 'content-type': contentType }).end(body);
      } else if (req.method === 'GET' && req.url === '/healthz') {
        const checks = await opts.health().catch(() => ({ checks: false }));
        const ok = Object.values(checks).every(Boolean);
        res
          .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: ok ? 'ok' : 'degraded', checks }));
      } else {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"error":{"code":"not-found","message":"no such route"}}');
      }
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  return server;
}
