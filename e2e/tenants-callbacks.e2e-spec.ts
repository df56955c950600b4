import { jwtVerify } from 'jose';
import type { CallbacksPage } from '@ensemble/contracts';
import { CallbackReceiver, waitFor } from '@ensemble/testing';
import { signQuery, encodeQuery } from '@ensemble/shared';
import { API_SECRET, BbbApiHarness } from './bbb-api.test-support.js';
import { addTenant } from './tenants.test-support.js';

const OPS_TOKEN = 'tenant-callbacks-ops-token-0123456789';
const SECRET_A = 'callback-tenant-a-secret-0123456789';

/**
 * A tenant's callbacks through Ensemble (decisions 110, 113): delivered at least once to a
 * receiver that fails its first three calls, with the meetingID the tenant sent, and signed
 * with the tenant's own secret (not the node's, not the default tenant's).
 */
describe("a tenant's callbacks", () => {
  const h = new BbbApiHarness();
  const receiver = new CallbackReceiver();

  const call = async (name: string, params: Record<string, string>) => {
    const res = await fetch(
      `${h.gateway.url}/t/uni-a/bigbluebutton/api/${name}?${signQuery(name, encodeQuery(params), SECRET_A, 'sha256')}`,
      { redirect: 'manual' },
    );
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  };
  const settled = async () => {
    const res = await fetch(`${h.gateway.url}/api/ops/callbacks`, {
      headers: { authorization: `Bearer ${OPS_TOKEN}` },
    });
    const { counts } = (await res.json()) as CallbacksPage;
    return counts.pending === 0 && counts.retrying === 0;
  };

  beforeAll(async () => {
    await receiver.start();
    await h.start({
      nodes: 1,
      gatewayEnv: {
        OPS_TOKEN,
        CALLBACK_TOKEN_SECRET: 'tenant-callback-token-secret-0123456789',
        CALLBACK_RETRY_FIRST_MS: '200',
        CALLBACK_RETRY_MAX_MS: '1000',
        CALLBACK_TIMEOUT_MS: '2000',
      },
    });
    await addTenant(h.postgres.url, h.bus, 'uni-a', [SECRET_A]);
    await waitFor('uni-a known', async () => (await call('getMeetings', {})).body.includes('SUCCESS'), {
      timeoutMs: 30_000,
    });
  }, 90_000);
  afterAll(async () => {
    await h.stop();
    await receiver.stop();
  });

  it('delivers each exactly once more after three failures, as the tenant sent it, signed with its secret', async () => {
    const endUrl = `${receiver.script('/end', [500, 500, 503])}?lms=a`;
    const analyticsUrl = receiver.script('/analytics', [500, 502, 500]);
    const created = await call('create', {
      name: 'Lecture',
      meetingID: 'lecture',
      record: 'true',
      meta_endCallbackUrl: endUrl,
      'meta_analytics-callback-url': analyticsUrl,
    });
    expect(created.body).toContain('<meetingID>lecture</meetingID>');
    // The tenant sees its own URL; the node holds Ensemble's.
    const info = await call('getMeetingInfo', { meetingID: 'lecture' });
    expect(info.body).toContain(endUrl.replaceAll('&', '&amp;'));
    const onNode = h.sim.nodes[0]!.meetings().find((m) => m.meetingID === 'uni-a~lecture')!.params;
    expect(JSON.stringify(onNode)).not.toContain(receiver.url);

    const join = await call('join', { meetingID: 'lecture', fullName: 'Ada', role: 'MODERATOR' });
    expect((await fetch(join.location!)).status).toBe(200);
    expect((await call('end', { meetingID: 'lecture' })).body).toContain('SUCCESS');

    await waitFor(
      'three failures and one delivery each',
      async () => receiver.at('/end').length === 4 && receiver.at('/analytics').length === 4 && (await settled()),
      { timeoutMs: 30_000 },
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.at('/end').map((r) => r.answered)).toEqual([500, 500, 503, 200]);
    expect(receiver.at('/analytics').map((r) => r.answered)).toEqual([500, 502, 500, 200]);
    for (const r of receiver.at('/end')) expect(r.query).toBe('lms=a&recordingmarks=false&meetingID=lecture');

    const analytics = receiver.at('/analytics')[3]!;
    const token = analytics.authorization.replace(/^Bearer /, '');
    await expect(jwtVerify(token, new TextEncoder().encode(SECRET_A))).resolves.toBeDefined();
    await expect(jwtVerify(token, new TextEncoder().encode(API_SECRET))).rejects.toThrow();
    expect((JSON.parse(analytics.body) as { meeting_id: string }).meeting_id).toBe('lecture');
  });
});
