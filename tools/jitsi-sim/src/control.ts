import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { JitsiNode } from './jitsi-node.js';
import type { JitsiSim } from './jitsi-sim.js';

const MAX_BODY = 64 * 1024;

/**
 * Small JSON control API for the demo stack and tests:
 *   GET  /nodes                       -> { nodes: [{ id, url, instance, down, busy, participants, conferences }] }
 *   POST /nodes/:id/participants      <- { count, conference? }  (negative count removes; conference default `load`)
 *   POST /nodes/:id/down              <- { down: true|false }   (closes / reopens the node's port)
 *   POST /nodes/:id/busy              <- { share: 0..1 | null }  (pins the CPU, null follows participants)
 *   POST /nodes/:id/reset             ends every conference
 */
export function startControlServer(sim: JitsiSim, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((req, res) => {
    handle(sim, req, res).catch((e: Error) => json(res, 500, { error: e.message }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function describeNode(n: JitsiNode) {
  return {
    id: n.id,
    url: n.baseUrl,
    instance: n.instance,
    down: n.down,
    busy: n.busy,
    participants: n.participants(),
    conferences: n.conferences(),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let raw = '';
  req.setEncoding('utf8');
  for await (const chunk of req as AsyncIterable<string>) {
    raw += chunk;
    if (raw.length > MAX_BODY) return undefined;
  }
  try {
    const v: unknown = JSON.parse(raw || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function handle(sim: JitsiSim, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  if (req.method === 'GET' && path === '/nodes') return json(res, 200, { nodes: sim.nodes.map(describeNode) });
  const m = /^\/nodes\/([^/]+)\/(participants|down|busy|reset)$/.exec(path);
  if (req.method !== 'POST' || !m) return json(res, 404, { error: 'not found' });
  const node = sim.node(decodeURIComponent(m[1]!));
  if (!node) return json(res, 404, { error: 'no such node' });
  const body = await readJson(req);
  if (!body) return json(res, 400, { error: 'body must be a JSON object' });
  switch (m[2]) {
    case 'participants': {
      const { count, conference = 'load' } = body;
      if (typeof count !== 'number' || !Number.isInteger(count) || Math.abs(count) > 100_000)
        return json(res, 400, { error: 'count must be an integer' });
      if (typeof conference !== 'string' || !/^[a-z0-9][a-z0-9-]{0,127}$/.test(conference))
        return json(res, 400, { error: 'conference must be a room slug' });
      node.addParticipants(conference, count);
      break;
    }
    case 'down':
      if (typeof body.down !== 'boolean') return json(res, 400, { error: 'down must be true or false' });
      await node.setDown(body.down);
      break;
    case 'busy':
      if (body.share !== null && (typeof body.share !== 'number' || body.share < 0 || body.share > 1))
        return json(res, 400, { error: 'share must be a number in 0..1, or null' });
      node.setBusy(body.share);
      break;
    default:
      node.reset();
  }
  return json(res, 200, describeNode(node));
}
