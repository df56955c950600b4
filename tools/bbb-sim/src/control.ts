import { type Server, createServer } from 'node:http';
import type { BbbSim } from './bbb-sim.js';
import { FAULT_MODES, type FaultMode } from './sim-node.js';

/**
 * Small JSON control API for the demo stack (never exposes secrets):
 *   GET  /nodes                -> { nodes: [{ id, url, fault, meetings }] }
 *   POST /nodes/:id/fault      <- { mode, delayMs? }
 */
export function startControlServer(sim: BbbSim, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/nodes') {
      return json(200, {
        nodes: sim.nodes.map((n) => ({ id: n.id, url: n.baseUrl, fault: n.fault, meetings: n.meetings().length })),
      });
    }
    const m = /^\/nodes\/([^/]+)\/fault$/.exec(path);
    if (req.method === 'POST' && m) {
      const node = sim.node(decodeURIComponent(m[1]!));
      if (!node) return json(404, { error: 'no such node' });
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (raw += c));
      req.on('end', () => {
        let body: { mode?: unknown; delayMs?: unknown };
        try {
          body = JSON.parse(raw || '{}') as typeof body;
        } catch {
          return json(400, { error: 'body must be JSON' });
        }
        if (typeof body.mode !== 'string' || !FAULT_MODES.includes(body.mode as FaultMode)) {
          return json(400, { error: `mode must be one of ${FAULT_MODES.join(', ')}` });
        }
        if (body.delayMs !== undefined && (typeof body.delayMs !== 'number' || body.delayMs < 0)) {
          return json(400, { error: 'delayMs must be a non-negative number' });
        }
        const fault = {
          mode: body.mode as FaultMode,
          ...(typeof body.delayMs === 'number' ? { delayMs: body.delayMs } : {}),
        };
        node.setFault(fault).then(
          () => json(200, { id: node.id, fault: node.fault }),
          (e: Error) => json(500, { error: e.message }),
        );
      });
      return;
    }
    json(404, { error: 'not found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
