import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@ensemble/testing';
import { BbbPollClient, type BbbPollOptions } from './bbb-poll.client.js';
import { getMeetingsXml } from './get-meetings.test-support.js';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on loopback whose behaviour each test picks per path. */
async function httpServer(
  routes: Record<string, Route>,
): Promise<{ url: (path: string) => string; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routes[path];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    connections: () => connections,
    url: (path) => `http://127.0.0.1:${port}${path}?checksum=0123456789abcdef0123456789abcdef01234567`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const xml = getMeetingsXml([{ participants: 4, moderators: 1, video: 1, voice: 3 }]);
const options: BbbPollOptions = {
  connectTimeoutMs: 500,
  timeoutMs: 400,
  offlineTimeoutMs: 150,
  maxBodyBytes: 64 * 1024,
};
const online = (pollUrl: string) => ({ pollUrl, health: 'online' as const });

describe('polling one BBB node over HTTP', () => {
  let server: Awaited<ReturnType<typeof httpServer>>;
  let client: BbbPollClient;

  beforeAll(async () => {
    server = await httpServer({
      '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'text/xml;charset=utf-8' }).end(xml),
      '/error': (_req, res) =>
        res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>oops</body></html>'),
      '/forbidden': (_req, res) => res.writeHead(403).end(),
      '/slow': (_req, res) => {
        const t = setTimeout(() => res.writeHead(200).end(xml), 2000);
        res.on('close', () => clearTimeout(t));
      },
      '/stalls-mid-body': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.write(xml.slice(0, 40));
        const t = setTimeout(() => res.end(xml.slice(40)), 2000);
        res.on('close', () => clearTimeout(t));
      },
      '/huge-declared': (_req, res) => res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).end(),
      '/huge-chunked': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/xml' });
        const chunk = 'x'.repeat(16 * 1024);
        for (let i = 0; i < 8 && !res.destroyed; i++) res.write(chunk);
        res.end();
      },
    });
  });

  beforeEach(() => {
    client = new BbbPollClient(options);
  });

  afterEach(async () => {
    await client.close();
  });

  afterAll(async () => {
    await server.close();
  });

  it('returns the body and its latency when the node answers 200', async () => {
    const r = await client.poll(online(server.url('/ok')));
    expect(r).toEqual({ ok: true, xml, latencyMs: expect.any(Number) });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reuses the kept-alive connection for the next poll of the same node', async () => {
    const before = server.connections();
    const a = await client.poll(online(server.url('/ok')));
    // Polls of one node are a cycle apart; give undici the moment it takes to park the socket.
    await new Promise((r) => setTimeout(r, 20));
    const b = await client.poll(online(server.url('/ok')));
    expect(a.ok && b.ok).toBe(true);
    expect(server.connections() - before).toBe(1);
  });

  it('reports a non-200 status as http-<status>', async () => {
    expect(await client.poll(online(server.url('/error')))).toMatchObject({ ok: false, error: 'http-500' });
    expect(await client.poll(online(server.url('/forbidden')))).toMatchObject({ ok: false, error: 'http-403' });
  });

  it('gives up at the deadline when the node is slow to answer', async () => {
    const r = await client.poll(online(server.url('/slow')));
    expect(r).toMatchObject({ ok: false, error: 'timeout' });
    // It waited for the deadline; a 'timeout' (not the answer the node sends after 2 s) says it gave up there.
    expect(r.latencyMs).toBeGreaterThanOrEqual(350);
  });

  it('gives up at the deadline when the body stalls half way', async () => {
    expect(await client.poll(online(server.url('/stalls-mid-body')))).toMatchObject({ ok: false, error: 'timeout' });
  });

  it('uses the shorter deadline for a node the scheduler reports offline', async () => {
    const order: string[] = [];
    const poll = (health: 'online' | 'offline') =>
      client.poll({ pollUrl: server.url('/slow'), health }).then((r) => (order.push(health), r));
    const [offline, onlinePoll] = await Promise.all([poll('offline'), poll('online')]);
    expect([offline, onlinePoll]).toMatchObject([
      { ok: false, error: 'timeout' },
      { ok: false, error: 'timeout' },
    ]);
    // Started together, the offline poll gives up first.
    expect(order).toEqual(['offline', 'online']);
    expect(offline.latencyMs).toBeLessThan(onlinePoll.latencyMs);
  });

  it('refuses a body announced larger than the cap without reading it', async () => {
    expect(await client.poll(online(server.url('/huge-declared')))).toMatchObject({ ok: false, error: 'too-large' });
  });

  it('stops reading a streamed body once it passes the cap', async () => {
    expect(await client.poll(online(server.url('/huge-chunked')))).toMatchObject({ ok: false, error: 'too-large' });
  });

  it('reports connect-refused when nothing listens on the node port', async () => {
    const port = await freePort();
    const r = await client.poll(online(`http://127.0.0.1:${port}/bigbluebutton/api/getMeetings?checksum=ab`));
    expect(r).toMatchObject({ ok: false, error: 'connect-refused' });
  });

  it('reports a URL that is not http(s) as bad-url', async () => {
    expect(await client.poll(online('ftp://example.invalid/x'))).toMatchObject({ ok: false, error: 'bad-url' });
    expect(await client.poll(online('not a url'))).toMatchObject({ ok: false, error: 'bad-url' });
  });

  it('stops a poll in flight when shutdown aborts it', async () => {
    const shutdown = new AbortController();
    const pending = client.poll(online(server.url('/slow')), shutdown.signal);
    setTimeout(() => shutdown.abort(), 50);
    const r = await pending;
    // 'aborted', not 'timeout' (400 ms) nor the answer (2 s): the abort ended it.
    expect(r).toMatchObject({ ok: false, error: 'aborted' });
  });
});
