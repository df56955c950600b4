import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { BbbSim } from './bbb-sim.js';
import { FAULT_MODES, type FaultMode } from './sim-node.js';

/**
 * Small JSON control API for the demo stack (never exposes secrets):
 *   GET  /nodes                -> { nodes: [{ id, url, fault, meetings }] }
 *   POST /nodes/:id/fault      <- { mode, delayMs? }
 *   POST /nodes/:id/meetings/:meetingID/recording  <- { recording: true|false }
 *        (a moderator's start/stop recording button: starting sets BBB's recording marks)
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
    const rec = /^\/nodes\/([^/]+)\/meetings\/([^/]+)\/recording$/.exec(path);
    if (req.method === 'POST' && rec) {
      const node = sim.node(decodeURIComponent(rec[1]!));
      if (!node) return json(404, { error: 'no such node' });
      return readJson(
        req,
        (body) => {
          if (typeof body?.['recording'] !== 'boolean') return json(400, { error: 'recording must be true or false' });
          const meetingID = decodeURIComponent(rec[2]!);
          return node.setRecording(meetingID, body['recording'])
            ? json(200, { id: node.id, meetingID, recording: body['recording'] })
            : json(409, { error: 'the meeting is unknown, not created with record=true, or not joined yet' });
        },
        () => json(400, { error: 'body must be JSON' }),
      );
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

/** Reads a small JSON object body; `bad` when it is not one. */
function readJson(req: IncomingMessage, use: (body: Record<string, unknown>) => void, bad: () => void): void {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (raw = (raw + c).slice(0, 4096)));
  req.on('end', () => {
    let body: unknown;
    try {
      body = JSON.parse(raw || '{}');
    } catch {
      return bad();
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return bad();
    use(body as Record<string, unknown>);
  });
}
