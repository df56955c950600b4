import { XMLValidator } from 'fast-xml-parser';
import { SimNode } from './sim-node.js';
import { call, get, xml } from './http.test-support.js';

const errorCode = (e: unknown): string | undefined => {
  const err = e as { code?: string; cause?: { code?: string } };
  return err.cause?.code ?? err.code;
};

describe('fault modes of a simulated BBB node', () => {
  const node = new SimNode({ id: 'bbb-f', secret: 'fault-secret' });
  beforeAll(() => node.start());
  afterAll(() => node.stop());
  afterEach(() => node.setFault({ mode: 'none' }));

  it('refuses connections while down, then answers again on the same port', async () => {
    const port = node.port;
    await node.setFault({ mode: 'down' });
    expect(node.fault.mode).toBe('down');
    const refused = await call(node, 'getMeetings').then(
      () => 'answered',
      (e: unknown) => errorCode(e),
    );
    expect(refused).toBe('ECONNREFUSED');
    await node.setFault({ mode: 'none' });
    expect(node.port).toBe(port);
    expect(xml((await call(node, 'getMeetings')).body).returncode).toBe('SUCCESS');
  });

  it('keeps its meetings across a down period', async () => {
    await call(node, 'create', { name: 'Kept', meetingID: 'kept' });
    await node.setFault({ mode: 'down' });
    await node.setFault({ mode: 'none' });
    expect(xml((await call(node, 'isMeetingRunning', { meetingID: 'kept' })).body).returncode).toBe('SUCCESS');
    expect(node.meetings().map((m) => m.meetingID)).toContain('kept');
  });

  it('holds every API answer back by delayMs when slow', async () => {
    await node.setFault({ mode: 'slow', delayMs: 300 });
    const t0 = Date.now();
    const r = await call(node, 'getMeetings');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(xml(r.body).returncode).toBe('SUCCESS');
  });

  it('answers HTTP 500 with an HTML body in http-500 mode', async () => {
    await node.setFault({ mode: 'http-500' });
    const r = await call(node, 'getMeetings');
    expect(r.status).toBe(500);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toMatch(/<html/i);
  });

  it('answers 200 with XML that does not parse in bad-xml mode', async () => {
    await node.setFault({ mode: 'bad-xml' });
    const r = await call(node, 'getMeetings');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/xml;charset=utf-8');
    expect(XMLValidator.validate(r.body)).not.toBe(true);
  });

  it('rejects an unknown fault mode', async () => {
    await expect(node.setFault({ mode: 'melted' as never })).rejects.toThrow(/unknown fault mode/);
  });
});

describe('stopping a slow node', () => {
  it('does not wait for held-back answers and drops their connections', async () => {
    const node = await new SimNode({ id: 'bbb-s', secret: 's' }).start();
    await node.setFault({ mode: 'slow', delayMs: 60_000 });
    const pending = call(node, 'getMeetings').then(
      () => 'answered',
      () => 'dropped',
    );
    await new Promise((r) => setTimeout(r, 100));
    // Waiting for the held-back answer would outlast the test's own timeout (60 s vs 5 s).
    await node.stop();
    expect(await pending).toBe('dropped');
  });

  it('starts down when told to be down before start, and comes up when the fault clears', async () => {
    const node = new SimNode({ id: 'bbb-d', secret: 's' });
    await node.setFault({ mode: 'down' });
    await node.start();
    expect(node.port).toBe(0);
    await node.setFault({ mode: 'none' });
    expect(node.port).toBeGreaterThan(0);
    expect((await get(node.apiUrl)).status).toBe(200);
    await node.stop();
  });
});
