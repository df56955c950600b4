import { DomainError, contracts } from '@ensemble/contracts';
import { verifyChecksum } from '@ensemble/shared';
import { SchedulerHarness } from '../harness.test-support.js';

/** The harness registers node `id` with secret `secret-of-<id>`. */
const checkSigned = (url: string, call: string, nodeId: string) => {
  const u = new URL(url);
  expect(u.pathname.endsWith(`/api/${call}`)).toBe(true);
  return verifyChecksum(call, u.search.slice(1), [`secret-of-${nodeId}`]);
};

describe('calls signed by the scheduler for a node', () => {
  let h: SchedulerHarness;

  beforeAll(async () => {
    h = await new SchedulerHarness().start();
    await h.addNodes(['s1', 's2']);
    await h.sample('s1');
    await h.sample('s2');
  });
  afterAll(() => h.stop());

  it('signs create and join on the node a placement chose, with that node secret', async () => {
    const p = await h.bus.request(contracts.place, {
      roomKey: 'signed-room',
      sign: [
        { call: 'create', query: 'meetingID=signed-room&name=Signed+Room' },
        { call: 'join', query: 'fullName=Ada&meetingID=signed-room&role=MODERATOR' },
      ],
    });
    expect(p.signed).toHaveLength(2);
    expect(p.signed[0]!.startsWith(`${p.url}api/create?meetingID=signed-room&name=Signed+Room&checksum=`)).toBe(true);
    expect(checkSigned(p.signed[0]!, 'create', p.nodeId)).toMatchObject({ ok: true, algorithm: 'sha256' });
    expect(checkSigned(p.signed[1]!, 'join', p.nodeId).ok).toBe(true);
    const other = p.nodeId === 's1' ? 's2' : 's1';
    expect(checkSigned(p.signed[1]!, 'join', other).ok).toBe(false);
  });

  it('locates a placed room and signs on its node without placing anything', async () => {
    const placed = await h.place('locate-me');
    const loc = await h.bus.request(contracts.locate, {
      roomKey: 'locate-me',
      sign: [{ call: 'end', query: 'meetingID=locate-me' }],
    });
    expect(loc).toMatchObject({ nodeId: placed.nodeId, state: 'enabled', health: 'online' });
    expect(checkSigned(loc.signed[0]!, 'end', placed.nodeId).ok).toBe(true);
    const missing = await h.bus.request(contracts.locate, { roomKey: 'never-placed' }).catch((e: unknown) => e);
    expect((missing as DomainError).code).toBe('not-found');
  });

  it('signs calls for a node by id, and says not-found for an unknown one', async () => {
    const { signed } = await h.bus.request(contracts.sign, {
      nodeId: 's2',
      sign: [{ call: 'getRecordings', query: 'meetingID=a,b' }],
    });
    expect(checkSigned(signed[0]!, 'getRecordings', 's2').ok).toBe(true);
    const err = await h.bus
      .request(contracts.sign, { nodeId: 'nope', sign: [{ call: 'getMeetings', query: '' }] })
      .catch((e: unknown) => e);
    expect((err as DomainError).code).toBe('not-found');
  });

  it('refuses a call name that is not a BBB call', async () => {
    const err = await h.bus
      .request(contracts.sign, { nodeId: 's1', sign: [{ call: '../admin', query: '' }] })
      .catch((e: unknown) => e);
    expect((err as DomainError).code).toBe('invalid-input');
  });
});
