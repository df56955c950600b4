import { subjects } from '@ensemble/contracts';
import { SchedulerHarness } from './harness.test-support.js';

const raw = async (h: SchedulerHarness, subject: string, body: string) => {
  const msg = await h.bus.connection.request(subject, new TextEncoder().encode(body), { timeout: 2000 });
  return JSON.parse(new TextDecoder().decode(msg.data)) as { ok: boolean; error?: { code: string; message: string } };
};

describe('malformed NATS payloads', () => {
  let h: SchedulerHarness;

  beforeAll(async () => {
    h = await new SchedulerHarness().start();
    await h.addNodes(['n1']);
    await h.sample('n1');
  });
  afterAll(() => h.stop());

  it.each([
    ['not JSON', '{roomKey'],
    ['an empty body', ''],
    ['a wrong type', '{"roomKey": 7}'],
    ['an unknown engine', '{"roomKey":"r","engine":"zoom"}'],
    ['a control character in the key', '{"roomKey":"a\\u0000b"}'],
    ['an absurd expected size', '{"roomKey":"r","expectedSize":-5}'],
    ['a JSON array', '[1,2,3]'],
    ['a tenant name that is no DNS label', '{"roomKey":"r","tenant":{"name":"Uni!"}}'],
    ['a tenant load weight out of range', '{"roomKey":"r","tenant":{"name":"uni","loadWeight":50}}'],
    ['a negative tenant quota', '{"roomKey":"r","tenant":{"name":"uni","maxMeetings":-1}}'],
    ['a fractional tenant quota', '{"roomKey":"r","tenant":{"name":"uni","maxParticipants":2.5}}'],
    ['an unknown tenant field', '{"roomKey":"r","tenant":{"name":"uni","maxRooms":3}}'],
    ['a bad required tag', '{"roomKey":"r","tenant":{"name":"uni","requiredTags":["Not A Tag"]}}'],
  ])('answers a placement request with %s by a typed invalid-input error', async (_what, body) => {
    const reply = await raw(h, subjects.place, body);
    expect(reply).toEqual({ ok: false, error: { code: 'invalid-input', message: expect.any(String) } });
  });

  it('answers a tenant usage request naming no valid tenant by a typed invalid-input error', async () => {
    for (const body of ['{"tenant":"../x"}', '{"tenant":7}', '{"tenants":[]}']) {
      const reply = await raw(h, subjects.tenantUsage, body);
      expect(reply).toEqual({ ok: false, error: { code: 'invalid-input', message: expect.any(String) } });
    }
  });

  it('rejects an oversized payload', async () => {
    const reply = await raw(h, subjects.place, JSON.stringify({ roomKey: 'x', pad: 'y'.repeat(300_000) }));
    expect(reply.error?.code).toBe('invalid-input');
  });

  it('drops malformed load samples, counts them, and keeps serving', async () => {
    for (const body of ['garbage', '{"nodeId":"n1"}', '{"nodeId":"N 1","engine":"bbb"}']) {
      h.bus.connection.publish(subjects.load('bbb', 'n1'), new TextEncoder().encode(body));
    }
    await h.bus.connection.flush();
    const placed = await h.place('still-works');
    expect(placed.nodeId).toBe('n1');
    const text = await (await fetch(`http://127.0.0.1:${h.schedulers[0]!.metricsPort}/metrics`)).text();
    const invalid = /ensemble_nats_invalid_payloads_total\{[^}]*subject="ensemble\.load\.>"[^}]*\} (\d+)/.exec(text);
    expect(Number(invalid?.[1])).toBe(3);
  });

  it('does not store anything from a rejected registration', async () => {
    const reply = await raw(h, subjects.registerNode, '{"id":"evil","url":"javascript:alert(1)","secret":"12345678"}');
    expect(reply.error?.code).toBe('invalid-input');
    expect(await h.node('evil')).toBeUndefined();
  });
});
