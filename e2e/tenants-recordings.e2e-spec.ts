import bbb from 'bigbluebutton-js';
import { NatsBus, Logger, Metrics } from '@ensemble/shared';
import { waitFor } from '@ensemble/testing';
import { listed, RecordingsStack } from './recordings.test-support.js';
import { addTenant, recordTenantLecture } from './tenants.test-support.js';

const SECRET_A = 'rec-tenant-a-secret-0123456789ab';
const SECRET_B = 'rec-tenant-b-secret-0123456789ab';

/**
 * Recordings belong to the tenant whose meeting made them (decision 110): transferred by the
 * real post_publish script, indexed under the tenant, and listed and changed through each
 * tenant's own BBB API only.
 */
describe("tenants' recordings", () => {
  const r = new RecordingsStack();
  let bus: NatsBus;
  const api = (t: string, secret: string) => bbb.api(`${r.stack.gateway.url}/t/${t}/bigbluebutton/`, secret);
  const a = () => api('uni-a', SECRET_A);
  const b = () => api('uni-b', SECRET_B);

  let idA = '';
  let idB = '';

  beforeAll(async () => {
    await r.start();
    bus = await NatsBus.connect({
      url: r.stack.nats.url,
      name: 'test',
      logger: new Logger('test', 'error'),
      metrics: new Metrics('test'),
    });
    await addTenant(r.stack.postgres.url, bus, 'uni-a', [SECRET_A]);
    await addTenant(r.stack.postgres.url, bus, 'uni-b', [SECRET_B]);
    await waitFor(
      'tenants known',
      async () => (await bbb.http(b().monitoring.getMeetings())).returncode === 'SUCCESS',
      {
        timeoutMs: 30_000,
      },
    );
    idA = await recordTenantLecture(r, a(), 'uni-a~lecture', { meta_course: 'a-maths' });
    idB = await recordTenantLecture(r, b(), 'uni-b~lecture', { meta_course: 'b-maths' });
  }, 120_000);
  afterAll(async () => {
    await bus?.close();
    await r.stop();
  });

  it('indexes each recording under its tenant, with the node meetingID namespaced', async () => {
    const rows = await r.sql<{ record_id: string; tenant: string; meeting_id: string }>(
      'SELECT record_id, tenant, meeting_id FROM recordings ORDER BY tenant',
    );
    expect(rows).toEqual([
      { record_id: idA, tenant: 'uni-a', meeting_id: 'uni-a~lecture' },
      { record_id: idB, tenant: 'uni-b', meeting_id: 'uni-b~lecture' },
    ]);
  });

  it('lists to each tenant its own recordings only, with the meetingID it sent', async () => {
    const own = async (t: ReturnType<typeof a>, params: Record<string, string> = {}) =>
      (await bbb.http(t.recording.getRecordings(params))) as {
        returncode: string;
        recordings: Array<Record<string, unknown>>;
      };
    const listA = await own(a());
    expect(listA.recordings.map((x) => x.recordID)).toEqual([idA]);
    expect(listA.recordings[0]).toMatchObject({ meetingID: 'lecture' });
    expect((await own(b())).recordings.map((x) => x.recordID)).toEqual([idB]);
    expect((await own(a(), { meetingID: 'lecture' })).recordings.map((x) => x.recordID)).toEqual([idA]);
    // Another tenant's record id is no recording at all.
    expect(await own(b(), { recordID: idA })).toMatchObject({ returncode: 'SUCCESS', messageKey: 'noRecordings' });
    // The default tenant sees neither.
    const def = await r.bbb('getRecordings');
    expect(listed(def.xml).filter((x) => x.recordID)).toEqual([]);
  });

  it("changes nothing of another tenant's recording, and its own through its own API", async () => {
    expect(await bbb.http(b().recording.deleteRecordings(idA))).toMatchObject({
      returncode: 'FAILED',
      messageKey: 'notFound',
    });
    expect(await bbb.http(b().recording.publishRecordings(idA, false))).toMatchObject({ returncode: 'FAILED' });
    const [row] = await r.sql<{ state: string }>('SELECT state FROM recordings WHERE record_id = $1', [idA]);
    expect(row!.state).toBe('published');
    expect(await bbb.http(a().recording.publishRecordings(idA, false))).toMatchObject({ returncode: 'SUCCESS' });
    const [after] = await r.sql<{ state: string }>('SELECT state FROM recordings WHERE record_id = $1', [idA]);
    expect(after!.state).toBe('unpublished');
  });
});
