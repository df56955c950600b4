import { signQuery } from '@ensemble/shared';
import { API_SECRET, BbbApiHarness } from './bbb-api.test-support.js';

/**
 * From the attacker's side: a signed BBB API URL POSTed with parameters added in a
 * form body. Only what the checksum covers may count, so the call is refused and
 * no node ever sees it.
 */
describe('only parameters covered by the checksum reach a node', () => {
  const h = new BbbApiHarness();
  beforeAll(() => h.start({ nodes: 2 }), 30_000);
  afterAll(() => h.stop());

  const signed = (call: string, params: Array<[string, string]>) =>
    `${h.gateway.url}/bigbluebutton/api/${call}?${signQuery(call, new URLSearchParams(params).toString(), API_SECRET)}`;
  const post = (url: string, body: string) =>
    h.get(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const callsOf = (call: string, meetingID: string) =>
    h.sim.nodes
      .flatMap((n) => n.calls())
      .filter((c) => c.call === call && c.params.some(([k, v]) => k === 'meetingID' && v === meetingID));

  it('refuses a signed join URL posted with role=MODERATOR added, and the node sees no join', async () => {
    await h.call('create', [
      ['name', 'Signed'],
      ['meetingID', 'signed-join'],
    ]);
    const url = signed('join', [
      ['fullName', 'Mallory'],
      ['meetingID', 'signed-join'],
      ['role', 'VIEWER'],
      ['redirect', 'false'],
    ]);

    const forged = await post(url, 'role=MODERATOR');
    expect(forged.status).toBe(302);
    expect(JSON.parse(new URL(forged.location!).searchParams.get('errors')!)[0].key).toBe('checksumError');
    expect(callsOf('join', 'signed-join')).toEqual([]);

    // The same URL as signed joins as a viewer: the node does record joins.
    const honest = await h.get(url);
    expect(honest.xml).toMatchObject({ returncode: 'SUCCESS', messageKey: 'successfullyJoined' });
    const joins = callsOf('join', 'signed-join');
    expect(joins).toHaveLength(1);
    expect(joins[0]!.params.filter(([k]) => k === 'role')).toEqual([['role', 'VIEWER']]);
  });

  it.each([
    ['record=true', 'record'],
    ['moderatorPW=x', 'moderatorPW'],
  ])('refuses a signed create posted with %s added, and no node sees a create', async (added, name) => {
    const meetingID = `signed-create-${name}`;
    const url = signed('create', [
      ['name', 'Signed'],
      ['meetingID', meetingID],
    ]);
    const forged = await post(url, added);
    expect(forged.xml).toMatchObject({ returncode: 'FAILED', messageKey: 'checksumError' });
    expect(callsOf('create', meetingID)).toEqual([]);
    expect(h.nodeOf(meetingID)).toBeUndefined();

    // Signed together with the query, the body is BBB's form POST and reaches the node.
    const query = new URLSearchParams([
      ['name', 'Signed'],
      ['meetingID', meetingID],
    ]).toString();
    const both = signQuery('create', `${query}&${added}`, API_SECRET).split('&checksum=')[1]!;
    const ok = await post(`${h.gateway.url}/bigbluebutton/api/create?${query}&checksum=${both}`, added);
    expect(ok.xml).toMatchObject({ returncode: 'SUCCESS', meetingID });
    const creates = callsOf('create', meetingID);
    expect(creates).toHaveLength(1);
    expect(creates[0]!.params.some(([k]) => k === name)).toBe(true);
  });
});
