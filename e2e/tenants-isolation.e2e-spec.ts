import bbb from 'bigbluebutton-js';
import { signQuery } from '@ensemble/shared';
import { waitFor } from '@ensemble/testing';
import { API_SECRET, BbbApiHarness } from './bbb-api.test-support.js';
import { addTenant, changeTenant, getWithHost } from './tenants.test-support.js';

const SECRET_A = 'tenant-a-secret-0123456789abcdef';
const SECRET_B = 'tenant-b-secret-0123456789abcdef';
const SECRET_A2 = 'tenant-a-rotated-0123456789abcdef';

type Meetings = { returncode: string; meetings: Array<{ meetingID: string }> };

/**
 * Two tenants on one bbb-sim fleet (decision 110), each driven by bigbluebutton-js with its
 * own secret, reached by path (`/t/<tenant>/bigbluebutton/api`) and by host name.
 */
describe('tenants on one fleet', () => {
  const h = new BbbApiHarness();
  const a = () => bbb.api(`${h.gateway.url}/t/uni-a/bigbluebutton/`, SECRET_A);
  const b = () => bbb.api(`${h.gateway.url}/t/uni-b/bigbluebutton/`, SECRET_B);
  const known = async (path: string, secret: string) =>
    waitFor(
      `${path} known`,
      async () => {
        const list = (await bbb.http(
          bbb.api(`${h.gateway.url}${path}/bigbluebutton/`, secret).monitoring.getMeetings(),
        )) as Meetings;
        return list.returncode === 'SUCCESS';
      },
      { timeoutMs: 30_000 },
    );

  beforeAll(async () => {
    await h.start({ nodes: 2, gatewayEnv: { TENANT_BASE_DOMAIN: 'bbb.test' } });
    await addTenant(h.postgres.url, h.bus, 'uni-a', [SECRET_A]);
    await addTenant(h.postgres.url, h.bus, 'uni-b', [SECRET_B], {
      policy: {
        create: {
          defaults: { welcome: 'Welcome to B' },
          overrides: { record: 'false' },
          block: ['meta_internal'],
          caps: { maxParticipants: 25 },
        },
        join: { overrides: { 'userdata-bbb_auto_join_audio': 'true' } },
      },
    });
    await known('/t/uni-a', SECRET_A);
    await known('/t/uni-b', SECRET_B);
  }, 60_000);
  afterAll(() => h.stop());

  it('gives the same meetingID in two tenants two meetings, each shown as it was sent', async () => {
    const ca = await bbb.http(a().administration.create('Maths A', 'course', { attendeePW: 'ap', moderatorPW: 'mp' }));
    const cb = await bbb.http(b().administration.create('Maths B', 'course', { attendeePW: 'bp', moderatorPW: 'bm' }));
    expect(ca).toMatchObject({ returncode: 'SUCCESS', meetingID: 'course', attendeePW: 'ap' });
    expect(cb).toMatchObject({ returncode: 'SUCCESS', meetingID: 'course', attendeePW: 'bp' });
    expect(h.nodeOf('uni-a~course')).toBeDefined();
    expect(h.nodeOf('uni-b~course')).toBeDefined();
    expect(h.nodeOf('course')).toBeUndefined();

    const infoA = await bbb.http(a().monitoring.getMeetingInfo('course'));
    expect(infoA).toMatchObject({ returncode: 'SUCCESS', meetingID: 'course', meetingName: 'Maths A' });
    const infoB = await bbb.http(b().monitoring.getMeetingInfo('course'));
    expect(infoB).toMatchObject({ returncode: 'SUCCESS', meetingID: 'course', meetingName: 'Maths B' });

    // Joining A's meeting reaches A's, with A's passwords only.
    const join = await fetch(a().administration.join('Ada', 'course', 'mp'), { redirect: 'manual' });
    expect(join.status).toBe(302);
    expect(new URL(join.headers.get('location')!).searchParams.get('meetingID')).toBe('uni-a~course');
  });

  it("lists only the caller's own meetings in getMeetings", async () => {
    await bbb.http(a().administration.create('Only A', 'only-a'));
    await bbb.http(
      bbb.api(`${h.gateway.url}/bigbluebutton/`, API_SECRET).administration.create('Default', 'only-default'),
    );
    const ids = async (api: ReturnType<typeof a>) =>
      ((await bbb.http(api.monitoring.getMeetings())) as Meetings).meetings.map((m) => m.meetingID).sort();
    expect(await ids(a())).toEqual(['course', 'only-a']);
    expect(await ids(b())).toEqual(['course']);
    expect(await ids(bbb.api(`${h.gateway.url}/bigbluebutton/`, API_SECRET))).toEqual(['only-default']);
  });

  it("cannot see or end another tenant's meeting", async () => {
    expect(await bbb.http(b().monitoring.getMeetingInfo('only-a'))).toMatchObject({
      returncode: 'FAILED',
      messageKey: 'notFound',
    });
    expect(await bbb.http(b().monitoring.isMeetingRunning('only-a'))).toMatchObject({ running: false });
    expect(await bbb.http(b().administration.end('only-a', 'mp'))).toMatchObject({ messageKey: 'notFound' });
    expect(await bbb.http(a().monitoring.getMeetingInfo('only-a'))).toMatchObject({ returncode: 'SUCCESS' });
  });

  it("answers another tenant's secret, and an unknown tenant, exactly as a wrong secret", async () => {
    const wrong = await fetch(
      bbb.api(`${h.gateway.url}/t/uni-a/bigbluebutton/`, 'not-the-secret-0123').monitoring.getMeetings(),
    );
    const other = await fetch(bbb.api(`${h.gateway.url}/t/uni-a/bigbluebutton/`, SECRET_B).monitoring.getMeetings());
    const unknown = await fetch(bbb.api(`${h.gateway.url}/t/uni-z/bigbluebutton/`, SECRET_A).monitoring.getMeetings());
    const bodies = await Promise.all([wrong, other, unknown].map((r) => r.text()));
    expect(bodies[0]).toContain('<messageKey>checksumError</messageKey>');
    expect(bodies[1]).toBe(bodies[0]);
    expect(bodies[2]).toBe(bodies[0]);
    expect([wrong.status, other.status, unknown.status]).toEqual([200, 200, 200]);
    // The default tenant's secret does not reach a tenant either.
    const viaDefault = await bbb.http(
      bbb.api(`${h.gateway.url}/t/uni-a/bigbluebutton/`, API_SECRET).monitoring.getMeetings(),
    );
    expect(viaDefault).toMatchObject({ returncode: 'FAILED', messageKey: 'checksumError' });
  });

  it('reaches a tenant by its host name under TENANT_BASE_DOMAIN', async () => {
    const query = signQuery('getMeetings', '', SECRET_A, 'sha256');
    const byHost = await getWithHost(`${h.gateway.url}/bigbluebutton/api/getMeetings?${query}`, 'uni-a.bbb.test');
    expect(byHost.body).toContain('<meetingID>only-a</meetingID>');
    expect(byHost.body).not.toContain('only-default');
    const unknown = await getWithHost(`${h.gateway.url}/bigbluebutton/api/getMeetings?${query}`, 'uni-z.bbb.test');
    expect(unknown.body).toContain('<messageKey>checksumError</messageKey>');
    const deeper = await getWithHost(`${h.gateway.url}/bigbluebutton/api/getMeetings?${query}`, 'x.uni-a.bbb.test');
    expect(deeper.body).toContain('<messageKey>checksumError</messageKey>');
  });

  it('rotates a secret: old and new both work, then the old one is refused', async () => {
    await changeTenant(
      h.postgres.url,
      h.bus,
      'uni-a',
      `INSERT INTO tenant_secrets (id, tenant, secret) VALUES ('sec_rot', 'uni-a', $1)`,
      [SECRET_A2],
    );
    await known('/t/uni-a', SECRET_A2);
    expect(await bbb.http(a().monitoring.getMeetings())).toMatchObject({ returncode: 'SUCCESS' });
    await changeTenant(h.postgres.url, h.bus, 'uni-a', `DELETE FROM tenant_secrets WHERE secret = $1`, [SECRET_A]);
    await waitFor('old secret refused', async () => {
      const r = await bbb.http(a().monitoring.getMeetings());
      return r.messageKey === 'checksumError';
    });
    const rotated = bbb.api(`${h.gateway.url}/t/uni-a/bigbluebutton/`, SECRET_A2);
    expect(await bbb.http(rotated.monitoring.getMeetingInfo('only-a'))).toMatchObject({ meetingID: 'only-a' });
  });
});
