import { waitFor } from '@ensemble/testing';
import { BbbApiHarness } from './bbb-api.test-support.js';

/**
 * The BBB API while the gateway's PostgreSQL (create calls) is down: meetings already
 * running keep being joined and ended; what needs a create call (a new meeting, or one
 * re-created after its node failed) answers BBB's FAILED with a messageKey, never a 5xx;
 * once PostgreSQL is back, the lost meeting is re-created at its next join.
 */
describe('the BBB API without PostgreSQL', () => {
  const h = new BbbApiHarness();
  beforeAll(() => h.start({ nodes: 3 }), 60_000);
  afterAll(() => h.stop());

  const join = (meetingID: string, fullName: string) =>
    h.call('join', [
      ['fullName', fullName],
      ['meetingID', meetingID],
      ['role', 'viewer'],
    ]);

  it('joins and ends running meetings, fails creates and re-creations with internalError, and recovers', async () => {
    for (const meetingID of ['kept', 'lost']) {
      const created = await h.call('create', [
        ['name', meetingID],
        ['meetingID', meetingID],
      ]);
      expect(created.xml.returncode).toBe('SUCCESS');
    }
    await h.postgres.process.stop();

    // A running meeting: joined as before; the expiry push that fails is only logged.
    const joined = await join('kept', 'Ada');
    expect(joined.status).toBe(302);
    expect(joined.location!.startsWith(h.sim.node(h.nodeOf('kept')!)!.apiUrl)).toBe(true);
    await waitFor('the failed keep-alive logged', async () =>
      h.logs.some((l) => l.includes('keeping create params alive failed') && l.includes('kept')),
    );

    // A new meeting cannot be recorded for a later re-creation: refused before anything is placed.
    const fresh = await h.call('create', [
      ['name', 'Fresh'],
      ['meetingID', 'fresh'],
    ]);
    expect({ status: fresh.status, ...fresh.xml }).toMatchObject({
      status: 200,
      returncode: 'FAILED',
      messageKey: 'internalError',
    });
    expect(h.nodeOf('fresh')).toBeUndefined();

    // Ending a running meeting works; its create call is left to expire.
    const ended = await h.call('end', [['meetingID', 'kept']]);
    expect(ended.xml.returncode).toBe('SUCCESS');
    expect(h.nodeOf('kept')).toBeUndefined();

    // Its node dies: re-creating it needs its create call, which cannot be read now.
    const first = h.nodeOf('lost')!;
    await h.sim.node(first)!.setFault({ mode: 'down' });
    await h.sample(first, { reachable: false, error: 'connection refused' });
    const failed = await join('lost', 'Bo');
    expect({ status: failed.status, ...failed.xml }).toMatchObject({
      status: 200,
      returncode: 'FAILED',
      messageKey: 'internalError',
    });

    await h.postgres.restart();
    let again = failed;
    await waitFor('the lost meeting re-created once PostgreSQL is back', async () => {
      again = await join('lost', 'Bo');
      return again.status === 302;
    });
    const now = h.nodeOf('lost');
    expect(now).toBeDefined();
    expect(now).not.toBe(first);
    expect(again.location!.startsWith(h.sim.node(now!)!.apiUrl)).toBe(true);
    await h.sim.node(first)!.setFault({ mode: 'none' });
  }, 60_000);
});
