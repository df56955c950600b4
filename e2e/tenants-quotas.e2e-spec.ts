import bbb from 'bigbluebutton-js';
import { waitFor } from '@ensemble/testing';
import { BbbApiHarness } from './bbb-api.test-support.js';
import { addTenant } from './tenants.test-support.js';

const SECRET_Q = 'quota-tenant-secret-0123456789ab';
const SECRET_T = 'tagged-tenant-secret-0123456789a';

/**
 * A tenant's quotas and placement rules (decision 112) through the BBB API: the meeting quota
 * refuses the next create, the participant quota the next join, a running meeting is never
 * ended by either; a tenant's required tags keep its meetings on its own nodes.
 */
describe('tenant quotas and placement rules', () => {
  const h = new BbbApiHarness();
  const q = () => bbb.api(`${h.gateway.url}/t/uni-q/bigbluebutton/`, SECRET_Q);
  const t = () => bbb.api(`${h.gateway.url}/t/uni-t/bigbluebutton/`, SECRET_T);
  const errorsOf = (location: string) =>
    JSON.parse(new URL(location).searchParams.get('errors') ?? '[]') as Array<{ key: string }>;

  beforeAll(async () => {
    await h.start({ nodes: 3, tags: { 'bbb-3': ['uni-t'] } });
    await addTenant(h.postgres.url, h.bus, 'uni-q', [SECRET_Q], { max_meetings: 2, max_participants: 3 });
    await addTenant(h.postgres.url, h.bus, 'uni-t', [SECRET_T], { required_tags: ['uni-t'] });
    await waitFor(
      'tenants known',
      async () => (await bbb.http(t().monitoring.getMeetings())).returncode === 'SUCCESS',
      { timeoutMs: 30_000 },
    );
  }, 60_000);
  afterAll(() => h.stop());

  it('refuses the create beyond the meeting quota with a clear BBB error, and accepts it once one ended', async () => {
    for (const id of ['q-1', 'q-2']) {
      expect(await bbb.http(q().administration.create(id, id, { moderatorPW: 'mp' }))).toMatchObject({
        returncode: 'SUCCESS',
      });
    }
    const refused = await bbb.http(q().administration.create('q-3', 'q-3', { moderatorPW: 'mp' }));
    expect(refused).toMatchObject({ returncode: 'FAILED', messageKey: 'tenantMeetingQuotaReached' });
    expect(h.nodeOf('uni-q~q-3')).toBeUndefined();
    // A create of a meeting already running is no new meeting: its node answers it, as BBB does
    // (here: parameters that differ from the first create's), not the quota.
    const again = await bbb.http(q().administration.create('q-1', 'q-1', { moderatorPW: 'mp' }));
    expect(again).toMatchObject({ returncode: 'FAILED', messageKey: 'idNotUnique' });
    expect(await bbb.http(q().administration.end('q-2', 'mp'))).toMatchObject({ returncode: 'SUCCESS' });
    expect(await bbb.http(q().administration.create('q-3', 'q-3', { moderatorPW: 'mp' }))).toMatchObject({
      returncode: 'SUCCESS',
    });
  });

  it('refuses the join beyond the participant quota, and never ends the running meeting', async () => {
    for (const name of ['Ada', 'Bo', 'Cy']) {
      const join = await fetch(q().administration.join(name, 'q-1', 'mp'), { redirect: 'manual' });
      expect(join.status).toBe(302);
      expect(errorsOf(join.headers.get('location')!)).toEqual([]);
    }
    const refused = await fetch(q().administration.join('Dee', 'q-1', 'mp'), { redirect: 'manual' });
    expect(refused.status).toBe(302);
    expect(errorsOf(refused.headers.get('location')!).map((e) => e.key)).toEqual(['tenantParticipantQuotaReached']);
    expect(await bbb.http(q().monitoring.getMeetingInfo('q-1'))).toMatchObject({ returncode: 'SUCCESS' });
    expect(h.nodeOf('uni-q~q-1')).toBeDefined();
  });

  it("keeps a tenant's meetings on the nodes carrying its required tags", async () => {
    for (const id of ['t-1', 't-2', 't-3']) {
      expect(await bbb.http(t().administration.create(id, id))).toMatchObject({ returncode: 'SUCCESS' });
      expect(h.nodeOf(`uni-t~${id}`)).toBe('bbb-3');
    }
  });
});
