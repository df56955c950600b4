import { DomainError, contracts } from '@ensemble/contracts';
import { Logger, createRedis } from '@ensemble/shared';
import { waitFor } from '@ensemble/testing';
import type { Redis } from 'ioredis';
import { SchedulerHarness } from '../harness.test-support.js';
import { fleetKeys } from '../keys.js';

const WEB_ROOM = 'web-rAbCdEfGhIjKl';
let clock = 0;
/** Samples of one node apply in time order: each is stamped later than the last. */
const next = () => (clock = Math.max(clock, Date.now()) + 1);
const listing = (...meetings: string[]) => ({
  at: next(),
  meetings: meetings.length,
  participants: meetings.length * 2,
  runningMeetings: meetings.map((meetingID) => ({ meetingID, participants: 2 })),
});

/**
 * Redis loses everything under two running scheduler instances: rooms come back from the
 * next polls (decision 091).
 */
describe('rooms re-learned after Redis lost everything', () => {
  let h: SchedulerHarness;
  let redis: Redis;

  /** The placement's node, or the error code it answered. */
  const answer = (roomKey: string) =>
    h.place(roomKey).then(
      (p) => p.nodeId,
      (e: unknown) => (e instanceof DomainError ? `error:${e.code}` : Promise.reject(e)),
    );
  const locate = (roomKey: string) =>
    h.bus.request(contracts.locate, { roomKey, sign: [] }).then(
      (l) => l.nodeId,
      (e: unknown) => (e instanceof DomainError ? `error:${e.code}` : Promise.reject(e)),
    );
  const lose = async () => {
    await redis.flushall();
    await waitFor('the inventory back', async () => (await redis.scard(fleetKeys.nodes)) === 3);
  };

  beforeEach(async () => {
    h = await new SchedulerHarness().start({ instances: 2, env: { NODE_MIRROR_CHECK_S: '0.2' } });
    redis = createRedis(h.redis.url, new Logger('test', 'error'), 'test');
    await redis.connect();
    await h.addNodes(['a', 'b', 'c']);
    for (const id of ['a', 'b', 'c']) await h.sample(id, listing());
  });
  afterEach(async () => {
    redis?.disconnect();
    await h?.stop();
  });

  it('puts each running meeting back on the node that lists it, and places new rooms once every node listed', async () => {
    await lose();
    // Nothing is known yet: a retryable answer, never a node.
    expect(await answer('bbb:m1')).toBe('error:unavailable');
    expect(await locate('bbb:m1')).toBe('error:unavailable');

    await h.sample('a', listing('m1', WEB_ROOM));
    expect(await answer('bbb:m1')).toBe('a');
    expect(await locate(WEB_ROOM)).toBe('a');
    expect((await h.node('a'))?.rooms).toBe(3); // m1, and the web room under both keys it may have
    expect(await answer('bbb:new')).toBe('error:unavailable'); // b and c have not listed yet

    await h.sample('b', listing());
    await h.sample('c', listing('m3'));
    expect(await answer('bbb:m3')).toBe('c');
    expect(['a', 'b', 'c']).toContain(await answer('bbb:new'));
    expect(await locate('bbb:unknown')).toBe('error:not-found');
    expect(await locate('m1')).toBe('error:not-found'); // a BBB API meeting: not a web room's key
    expect(h.logs.some((l) => l.includes('rooms re-learned: every node listed its meetings'))).toBe(true);
  });

  it('never answers a second node for a room whose node has not listed it yet', async () => {
    await lose();
    await h.sample('a', listing());
    await h.sample('c', listing());
    // The meeting runs on b; a and c are re-learned and have room: still no answer but a retry.
    const during = await Promise.all(Array.from({ length: 20 }, () => answer('bbb:on-b')));
    expect(new Set(during)).toEqual(new Set(['error:unavailable']));
    await h.sample('b', listing('on-b'));
    const after = await Promise.all(Array.from({ length: 20 }, () => answer('bbb:on-b')));
    expect(new Set(after)).toEqual(new Set(['b']));
  });

  it('keeps a meeting two nodes list on the node that listed it first, tells it once, and never moves it', async () => {
    await lose();
    await h.sample('b', listing('twice'));
    await h.sample('a', listing('twice'));
    await h.sample('a', listing('twice'));
    await h.sample('c', listing());
    await h.sample('b', listing('twice'));
    expect(await answer('bbb:twice')).toBe('b');
    const told = h.logs.filter((l) => l.includes('meeting running on two nodes'));
    expect(told).toHaveLength(1);
    expect(JSON.parse(told[0]!)).toMatchObject({ roomKey: 'bbb:twice', nodeId: 'b', otherNodeId: 'a' });
    expect((await h.node('a'))?.rooms).toBe(0);
  });

  it('does not wait for a node that goes offline, nor adopt rooms onto a disabled node', async () => {
    await h.bus.request(contracts.updateNode, { id: 'c', state: 'disabled', by: 'carol' });
    await lose();
    await h.sample('a', listing());
    await h.sample('c', listing('on-disabled'));
    for (let i = 0; i < 3; i++) await h.sample('b', { at: next(), reachable: false, error: 'timeout' });
    expect((await h.node('b'))?.health).toBe('offline');
    // Every node that answers has listed: new rooms place; the disabled node's meeting was not adopted.
    expect(await answer('bbb:on-disabled')).toBe('a');
  });

  it('begins a phase once per loss, whichever scheduler notices it, and leaves an intact Redis alone', async () => {
    const epoch = await redis.get(fleetKeys.epoch);
    expect(epoch).not.toBeNull();
    await new Promise((r) => setTimeout(r, 500)); // checks go on
    expect(await redis.get(fleetKeys.epoch)).toBe(epoch);
    expect(await redis.exists(fleetKeys.relearn)).toBe(0);
    await lose();
    await waitFor('the epoch written again', async () => (await redis.get(fleetKeys.epoch)) !== null);
    expect(h.logs.filter((l) => l.includes('redis lost its data')).length).toBe(1);
  });
});
