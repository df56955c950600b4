import { contracts, type LoadSample } from '@ensemble/contracts';
import { loadSample } from '@ensemble/testing';
import { OpsStack } from './ops-stack.test-support.js';

const idleSample = (nodeId: string): LoadSample => loadSample(nodeId);

describe('the ops API', () => {
  const stack = new OpsStack('test-ops-token-0123456789');
  const call = stack.call.bind(stack);

  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it('refuses requests without the operator token', async () => {
    const res = await call('GET', '/api/ops/cluster', undefined, { authorization: 'Bearer wrong' });
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('registers a node and lists it without its secret', async () => {
    const res = await call('POST', '/api/ops/nodes', {
      id: 'bbb-a',
      url: 'http://127.0.0.1:9/bigbluebutton/',
      secret: 'very-secret-value',
    });
    expect(res.status).toBe(201);
    const node = await json(res);
    expect(node).toMatchObject({ id: 'bbb-a', engine: 'bbb', state: 'enabled', health: 'unknown' });
    const cluster = await json(await call('GET', '/api/ops/cluster'));
    expect(cluster.nodes.map((n: { id: string }) => n.id)).toContain('bbb-a');
    expect(JSON.stringify(cluster)).not.toContain('very-secret-value');
    expect(stack.logs.join('')).not.toContain('very-secret-value');
  });

  it('places a room on an online node and answers the same node again', async () => {
    stack.bus.publish(contracts.loadSample, idleSample('bbb-a'));
    const first = await waitForPlacement(() =>
      call('POST', '/api/ops/placements', { roomKey: 'math-101', engine: 'bbb' }),
    );
    expect(first).toMatchObject({ nodeId: 'bbb-a', url: 'http://127.0.0.1:9/bigbluebutton/', outcome: 'new' });
    const again = await json(await call('POST', '/api/ops/placements', { roomKey: 'math-101', engine: 'bbb' }));
    expect(again).toMatchObject({ nodeId: 'bbb-a', outcome: 'existing' });
  });

  it.each([
    ['malformed JSON', '{"roomKey": ', 400, 'invalid-input'],
    ['a wrong type', { roomKey: 42 }, 400, 'invalid-input'],
    ['an unknown field', { roomKey: 'x', engine: 'bbb', admin: true }, 400, 'invalid-input'],
    ['an unknown engine', { roomKey: 'x', engine: 'zoom' }, 400, 'invalid-input'],
    ['prototype pollution', '{"roomKey":"x","__proto__":{"admin":true}}', 400, 'invalid-input'],
    ['a huge body', { roomKey: 'x'.repeat(2 * 1024 * 1024) }, 413, 'payload-too-large'],
  ])('answers %s with a typed 4xx', async (_what, body, status, code) => {
    const res = await call('POST', '/api/ops/placements', body);
    expect(res.status).toBe(status);
    expect((await json(res)).error.code).toBe(code);
  });

  it('rejects a node registration with a bad URL or no secret', async () => {
    for (const body of [{ url: 'ftp://x', secret: 'very-secret-value' }, { url: 'http://x.example/bigbluebutton/' }]) {
      const res = await call('POST', '/api/ops/nodes', body);
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe('invalid-input');
    }
  });

  it('answers no-capacity with 503 and Retry-After when no node can take a room', async () => {
    const res = await call('POST', '/api/ops/placements', { roomKey: 'r', engine: 'jitsi' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect((await json(res)).error.code).toBe('no-capacity');
  });

  it('serves health and Prometheus metrics', async () => {
    expect((await fetch(`${stack.gateway.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    expect(metrics).toContain('ensemble_gateway_http_request_duration_seconds');
    expect(metrics).toContain('ensemble_nats_request_duration_seconds');
  });
});

async function waitForPlacement(fn: () => Promise<Response>): Promise<unknown> {
  for (let i = 0; i < 50; i++) {
    const res = await fn();
    if (res.status === 200) return json(res);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no placement');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();
