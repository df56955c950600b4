import { DomainError, contracts, type PlacementTenant } from '@ensemble/contracts';
import { SchedulerHarness } from '../harness.test-support.js';

// Pending entries live 0.2 s here, so a room soon counts as "placed long enough ago for a poll to see it".
const SHORT_PENDING = { PENDING_TTL_S: '0.2' };
const afterPending = () => new Promise((r) => setTimeout(r, 300));
// A poll counts a room missing (and its participants as they are) only when it started 2 s after
// the room was last placed or looked up; samples here are stamped as polls started that much later.
let clock = 0;
const later = () => (clock = Math.max(clock, Date.now() + 3000) + 10);
const listed = (...meetings: Array<[string, number]>) => ({
  at: later(),
  meetings: meetings.length,
  runningMeetings: meetings.map(([meetingID, participants]) => ({ meetingID, participants })),
});

/** The placement's outcome, or the error code it was refused with. */
const outcomeOf = (p: Promise<{ outcome: string }>) =>
  p.then(
    (r) => r.outcome,
    (e: unknown) => (e instanceof DomainError ? e.code : Promise.reject(e)),
  );

/** Placement rules and quotas per tenant, as the gateway sends them with each placement (decision 112). */
describe('tenant quotas and placement rules', () => {
  let h: SchedulerHarness;
  afterEach(() => h.stop());

  const placeFor = (
    tenant: PlacementTenant,
    meetingID: string,
    extra: { join?: boolean; expectedSize?: number } = {},
  ) => outcomeOf(h.place(`bbb:${tenant.name}~${meetingID}`, { tenant, ...extra }));

  it("refuses the tenant's next new meeting at its meeting quota, never a meeting it runs", async () => {
    h = await new SchedulerHarness().start();
    await h.addNodes(['a', 'b']);
    await h.sample('a');
    await h.sample('b');
    const uni: PlacementTenant = { name: 'uni', maxMeetings: 2 };

    expect(await placeFor(uni, 'm1')).toBe('new');
    expect(await placeFor(uni, 'm2')).toBe('new');
    const refused = await h.place('bbb:uni~m3', { tenant: uni }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'quota-meetings', message: expect.stringContaining('quota is 2') });
    // Refused before anything changed: the room is on no node.
    const located = await h.bus.request(contracts.locate, { roomKey: 'bbb:uni~m3', sign: [] }).catch((e) => e);
    expect(located).toMatchObject({ code: 'not-found' });

    // Its running meetings are created again and joined as always.
    expect(await placeFor(uni, 'm1')).toBe('existing');
    expect(await placeFor(uni, 'm2', { join: true })).toBe('existing');
    // Other tenants count for themselves; a room without a tenant is the default tenant's, without quota.
    expect(await placeFor({ name: 'other', maxMeetings: 1 }, 'm3')).toBe('new');
    expect(await outcomeOf(h.place('bbb:m3'))).toBe('new');
    expect(await outcomeOf(h.place('web-room1'))).toBe('new');
    // A quota of 0 holds a tenant's new meetings (e.g. suspended).
    expect(await placeFor({ name: 'held', maxMeetings: 0 }, 'm1')).toBe('quota-meetings');

    expect(await h.usage()).toEqual([
      { name: 'default', meetings: 2, participants: 0 },
      { name: 'other', meetings: 1, participants: 0 },
      { name: 'uni', meetings: 2, participants: 1 },
    ]);
    expect(await h.usage('held')).toEqual([{ name: 'held', meetings: 0, participants: 0 }]);
    expect(((await h.node('a'))?.rooms ?? 0) + ((await h.node('b'))?.rooms ?? 0)).toBe(5);
    expect(h.logs.some((l) => l.includes('placement refused by a tenant quota'))).toBe(true);
  });

  it('frees a slot when a meeting ends: its node no longer lists it, or `end`', async () => {
    h = await new SchedulerHarness().start({ env: SHORT_PENDING });
    await h.addNodes(['a']);
    await h.sample('a');
    const uni: PlacementTenant = { name: 'uni', maxMeetings: 2 };
    expect(await placeFor(uni, 'm1')).toBe('new');
    expect(await placeFor(uni, 'm2')).toBe('new');
    expect(await placeFor(uni, 'm3')).toBe('quota-meetings');
    await afterPending();

    // m2 ended on the node: two polls in a row no longer list it.
    await h.sample('a', listed(['uni~m1', 3]));
    await h.sample('a', listed(['uni~m1', 3]));
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 1, participants: 3 }]);
    expect(await placeFor(uni, 'm3')).toBe('new');
    expect(await placeFor(uni, 'm4')).toBe('quota-meetings');

    await h.bus.request(contracts.end, { roomKey: 'bbb:uni~m1' });
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 1, participants: 0 }]);
    expect(await placeFor(uni, 'm4')).toBe('new');
  });

  it('refuses a join beyond the participant quota, and never ends or moves the running meeting', async () => {
    h = await new SchedulerHarness().start({ env: SHORT_PENDING });
    await h.addNodes(['a', 'b']);
    await h.sample('a');
    await h.sample('b');
    const uni: PlacementTenant = { name: 'uni', maxParticipants: 3 };
    const created = await h.place('bbb:uni~m1', { tenant: uni });
    for (let i = 0; i < 3; i++) expect(await placeFor(uni, 'm1', { join: true })).toBe('existing');
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 1, participants: 3 }]);

    const refused = await h.place('bbb:uni~m1', { tenant: uni, join: true }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'quota-participants', message: expect.stringContaining('quota is 3') });
    // A new meeting created with its first join (the web app's way) is refused too, and not placed.
    expect(await placeFor(uni, 'm2', { join: true })).toBe('quota-participants');
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 1, participants: 3 }]);
    // The running meeting stays where it is, and a create of it still answers its node.
    expect(await placeFor(uni, 'm1')).toBe('existing');
    const at = await h.bus.request(contracts.locate, { roomKey: 'bbb:uni~m1', sign: [] });
    expect(at.nodeId).toBe(created.nodeId);

    await afterPending();
    // More people than the quota are in (they joined on the node directly): nothing is ended.
    await h.sample(created.nodeId, listed(['uni~m1', 5]));
    await h.sample(created.nodeId, listed(['uni~m1', 5]));
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 1, participants: 5 }]);
    expect((await h.node(created.nodeId))?.rooms).toBe(1);
    expect(await placeFor(uni, 'm1', { join: true })).toBe('quota-participants');

    // People left: joins are taken again, each counted until the next poll.
    await h.sample(created.nodeId, listed(['uni~m1', 1]));
    expect(await placeFor(uni, 'm1', { join: true })).toBe('existing');
    expect(await placeFor(uni, 'm1', { join: true })).toBe('existing');
    expect(await placeFor(uni, 'm1', { join: true })).toBe('quota-participants');
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 1, participants: 3 }]);
  });

  it('keeps joins a poll cannot have seen yet: it started before they were counted', async () => {
    h = await new SchedulerHarness().start({ env: SHORT_PENDING });
    await h.addNodes(['a']);
    await h.sample('a');
    const uni: PlacementTenant = { name: 'uni' };
    await placeFor(uni, 'm1', { join: true });
    await placeFor(uni, 'm1', { join: true });
    // A poll that started just before those joins lists one participant: the two counted stay.
    await h.sample('a', { at: Date.now(), meetings: 1, runningMeetings: [{ meetingID: 'uni~m1', participants: 1 }] });
    expect(await h.usage('uni')).toEqual([{ name: 'uni', meetings: 1, participants: 2 }]);
  });

  it('steers a tenant to the nodes carrying its required tags: its own nodes, or a pool it shares', async () => {
    h = await new SchedulerHarness().start();
    await h.addNodes(['own'], { tags: ['uni'] });
    await h.addNodes(['pool'], { tags: ['pool'] });
    await h.addNodes(['plain']);
    await h.sample('own', { participants: 200, meetings: 10 });
    await h.sample('pool', { participants: 100, meetings: 5 });
    await h.sample('plain');
    const uni: PlacementTenant = { name: 'uni', requiredTags: ['uni'] };
    const nodeOf = async (tenant: PlacementTenant | undefined, roomKey: string, tags: string[] = []) =>
      (await h.place(roomKey, { tags, ...(tenant ? { tenant } : {}) })).nodeId;

    // The busiest node, but the only one of the tenant's.
    for (let i = 0; i < 3; i++) expect(await nodeOf(uni, `bbb:uni~m${i}`)).toBe('own');
    expect(await nodeOf({ name: 'school', requiredTags: ['pool'] }, 'bbb:school~m1')).toBe('pool');
    expect(await nodeOf({ name: 'college', requiredTags: ['pool'] }, 'bbb:college~m1')).toBe('pool');
    // Other tenants go where the load is lowest.
    expect(await nodeOf(undefined, 'bbb:m1')).toBe('plain');
    // The request's tags and the tenant's together: no node carries both.
    const both = await h.place('bbb:uni~gpu', { tags: ['gpu'], tenant: uni }).catch((e: unknown) => e);
    expect(both).toMatchObject({ code: 'no-capacity' });
  });

  it("weighs a tenant's rooms by its load weight", async () => {
    h = await new SchedulerHarness().start();
    await h.addNodes(['a', 'b']);
    await h.sample('a');
    await h.sample('b');
    const video: PlacementTenant = { name: 'video', loadWeight: 4 };
    const heavy = await h.place('bbb:video~r1', { tenant: video, expectedSize: 10 });
    // (10 participants + 1 for the meeting) x 4.
    expect((await h.node(heavy.nodeId))?.pendingLoad).toBeCloseTo(44);
    const other = heavy.nodeId === 'a' ? 'b' : 'a';
    // Rooms of 11 each go to the other node until it carries as much.
    for (let i = 1; i <= 3; i++) {
      expect((await h.place(`bbb:light${i}`, { expectedSize: 10 })).nodeId).toBe(other);
    }
    expect((await h.node(other))?.pendingLoad).toBeCloseTo(33);

    // A light tenant's big room counts its own weighed load in the ranking too: 0.25 x 101.
    const light = await h.place('bbb:light~big', { tenant: { name: 'light', loadWeight: 0.25 }, expectedSize: 100 });
    expect((await h.node(light.nodeId))?.pendingLoad).toBeCloseTo(light.nodeId === other ? 33 + 25.25 : 44 + 25.25);
  });
});
