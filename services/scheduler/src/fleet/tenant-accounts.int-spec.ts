import { DomainError, contracts, type PlacementTenant } from '@ensemble/contracts';
import { Logger, createRedis } from '@ensemble/shared';
import { waitFor } from '@ensemble/testing';
import type { Redis } from 'ioredis';
import { SchedulerHarness } from '../harness.test-support.js';
import { fleetKeys } from '../keys.js';

let clock = 0;
/** Samples of one node apply in time order: each is stamped later than the last. */
const next = () => (clock = Math.max(clock, Date.now()) + 1);
const listing = (...meetings: Array<[string, number]>) => ({
  at: next(),
  meetings: meetings.length,
  runningMeetings: meetings.map(([meetingID, participants]) => ({ meetingID, participants })),
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Each tenant's accounts (decision 112) when rooms leave their node without their meeting
 * ending: a panic, a removal, a node offline; and after Redis lost everything.
 */
describe("a tenant's accounts when its rooms lose their node", () => {
  let h: SchedulerHarness;
  afterEach(() => h.stop());

  const uni: PlacementTenant = { name: 'uni', maxMeetings: 2 };
  const outcome = (meetingID: string, extra: { join?: boolean } = {}) =>
    h.place(`bbb:uni~${meetingID}`, { tenant: uni, ...extra }).then(
      (p) => `${p.outcome}@${p.nodeId}`,
      (e: unknown) => (e instanceof DomainError ? e.code : Promise.reject(e)),
    );

  it("keeps a panicked node's meetings counted for their grace: re-created elsewhere, they are no new meetings", async () => {
    h = await new SchedulerHarness().start({ env: { TENANT_QUOTA_GRACE_S: '3' } });
    await h.addNodes(['a']);
    await h.sample('a');
    expect(await outcome('m1')).toBe('new@a');
    expect(await outcome('m2', { join: true })).toBe('new@a');
    await h.addNodes(['b']);
    await h.sample('b');

    const panic = await h.bus.request(contracts.panicNode, { id: 'a' }, { timeoutMs: 15_000 });
    expect(panic.released).toBe(2);
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 2, participants: 0 }]);
    expect(await outcome('m3')).toBe('quota-meetings');
    // The gateway re-creates a panicked meeting on its next join: placed anew, not refused.
    expect(await outcome('m1', { join: true })).toBe('new@b');
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 2, participants: 1 }]);

    // Nobody came back for m2: once its grace is over it no longer counts.
    await sleep(3200);
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 1, participants: 1 }]);
    expect(await outcome('m3')).toBe('new@b');
  });

  it("counts a removed node's rooms for their grace; one that moves meanwhile is the same meeting", async () => {
    h = await new SchedulerHarness().start({ env: { TENANT_QUOTA_GRACE_S: '2' } });
    await h.addNodes(['a']);
    await h.sample('a');
    expect(await outcome('m1', { join: true })).toBe('new@a');
    expect(await outcome('m2')).toBe('new@a');
    await h.addNodes(['b']);
    await h.sample('b');
    expect(await h.bus.request(contracts.removeNode, { id: 'a', force: true })).toMatchObject({ removed: true });

    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 2, participants: 0 }]);
    expect(await outcome('m3')).toBe('quota-meetings');
    expect(await outcome('m1', { join: true })).toBe('moved@b');
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 2, participants: 1 }]);
    await sleep(2200);
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 1, participants: 1 }]);
    expect(await outcome('m3')).toBe('new@b');
    // A room whose grace is over still moves when it comes back (never refused): counted again.
    expect(await outcome('m2', { join: true })).toBe('moved@b');
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 3, participants: 2 }]);
  });

  it("counts an offline node's rooms for their grace, and again once it is back online", async () => {
    h = await new SchedulerHarness().start({ env: { TENANT_QUOTA_GRACE_S: '1' } });
    await h.addNodes(['a']);
    await h.sample('a', listing());
    expect(await outcome('m1', { join: true })).toBe('new@a');
    expect(await outcome('m2')).toBe('new@a');

    for (let i = 0; i < 3; i++) await h.sample('a', { at: next(), reachable: false, error: 'timeout' });
    expect((await h.node('a'))?.health).toBe('offline');
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 2, participants: 0 }]);
    await sleep(1200);
    // Its meetings may be lost with it: after the grace the tenant may hold others.
    expect(await h.usage()).toEqual([]);

    // It was a network split: back online, its meetings count again, and polls tell who is in.
    await h.sample('a', listing(['uni~m1', 4], ['uni~m2', 2]));
    await h.sample('a', listing(['uni~m1', 4], ['uni~m2', 2]));
    expect((await h.node('a'))?.health).toBe('online');
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 2, participants: 6 }]);
    expect(await outcome('m3')).toBe('quota-meetings');
  });
});

describe("tenants' accounts re-learned after Redis lost everything (decision 091)", () => {
  let h: SchedulerHarness;
  let redis: Redis;
  afterEach(async () => {
    redis?.disconnect();
    await h?.stop();
  });

  it("gives each tenant back its meetings and participants from the nodes' lists, and its quota holds", async () => {
    h = await new SchedulerHarness().start({ env: { NODE_MIRROR_CHECK_S: '0.2' } });
    redis = createRedis(h.redis.url, new Logger('test', 'error'), 'test');
    await redis.connect();
    await h.addNodes(['a', 'b', 'c']);
    for (const id of ['a', 'b', 'c']) await h.sample(id, listing());
    const uni: PlacementTenant = { name: 'uni', maxMeetings: 3 };
    for (const m of ['m1', 'm2', 'm3']) await h.place(`bbb:uni~${m}`, { tenant: uni });
    await h.bus.request(contracts.updateNode, { id: 'c', state: 'disabled' });

    await redis.flushall();
    await waitFor('the inventory back', async () => (await redis.scard(fleetKeys.nodes)) === 3);
    await h.sample('a', listing(['uni~m1', 3], ['lecture', 4], ['web-rAbCdEfGhIjKl', 1]));
    await h.sample('b', listing(['uni~m2', 2], ['other~x', 5]));
    // A disabled node's meetings are not adopted (their rooms move), but still count for their tenant.
    await h.sample('c', listing(['uni~m3', 1]));

    expect(await h.usage()).toEqual([
      // A web room's meeting is adopted under both keys it may have, and counted once.
      { name: 'default', meetings: 2, participants: 5 },
      { name: 'other', meetings: 1, participants: 5 },
      { name: 'uni', meetings: 3, participants: 5 },
    ]);
    const quota = await h.place('bbb:uni~m4', { tenant: uni }).catch((e: unknown) => e);
    expect(quota).toMatchObject({ code: 'quota-meetings' });
    expect(await h.place('bbb:uni~m1', { tenant: uni, join: true })).toMatchObject({
      outcome: 'existing',
      nodeId: 'a',
    });
    // m3 is re-created on a node that serves it: not a new meeting.
    expect(await h.place('bbb:uni~m3', { tenant: uni, join: true })).toMatchObject({ outcome: 'new' });
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 3, participants: 7 }]);
  });
});
