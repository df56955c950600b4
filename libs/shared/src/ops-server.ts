import { createServer, type Server } from 'node:http';
import type { Metrics } from './metrics.js';
import type { ReadinessCheck } from './readiness.js';

/**
 * `/metrics`, `/livez`, `/readyz` (and `/healthz`, its old name) for a service that
 * has no HTTP API of its own. Liveness: the process serves. Readiness: `ready`'s
 * checks all pass (its dependencies answer); a probe never waits on one that does not.
 */
export async function startOpsServer(opts: {
  port: number;
  host?: string;
  metrics: Metrics;
  ready: ReadinessCheck;
}): Promise<Server> {
  const json = (status: number, body: string) => ({ status, body });
  const route = async (path: string): Promise<{ status: number; body: string; type?: string } | undefined> => {
    if (path === '/metrics') {
      const { contentType, body } = await opts.metrics.exposition();
      return { status: 200, body, type: contentType };
    }
    if (path === '/livez') return json(200, '{"status":"ok"}');
    if (path === '/readyz' || path === '/healthz') {
      const checks = await opts.ready().catch(() => ({ checks: false }));
      const ok = Object.values(checks).every(Boolean);
      return json(ok ? 200 : 503, JSON.stringify({ status: ok ? 'ok' : 'degraded', checks }));
    }
    return undefined;
  };
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const answer = req.method === 'GET' ? await route(path) : undefined;
      if (answer) {
        res
          .writeHead(answer.status, {
            'content-type': answer.type ?? 'application/json',
            'cache-control': 'no-store',
          })
          .end(answer.body);
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
