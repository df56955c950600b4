import { contracts, type FleetNodeEvent } from '@ensemble/contracts';
import { waitFor } from '@ensemble/testing';
import { SchedulerHarness } from '../harness.test-support.js';

describe('cordoned, disabled and panicked nodes in the scheduler', () => {
  let h: SchedulerHarness;
  const events: FleetNodeEvent[] = [];
  const cordon = (id: string) => h.bus.request(contracts.updateNode, { id, state: 'cordoned', by: 'carol' });

  beforeAll(async () => {
    // A short pending TTL: a cordoned node is "empty" only once its recent placements are old enough.
    h = await new SchedulerHarness().start({ env: { PENDING_TTL_S: '0.2' } });
    h.bus.subscribe(contracts.fleetNode, (e) => void events.push(e));
    await h.addNodes(['c1', 'c2']);
    await h.sample('c1');
    await h.sample('c2', { participants: 100 });
  });
  afterAll(() => h.stop());

  it('keeps a cordoned node with meetings cordoned, sticky for its rooms and closed to new ones', async () => {
    expect((await h.place('keep')).nodeId).toBe('c1');
    await cordon('c1');
    await h.sample('c1', { meetings: 1, participants: 3 });
    expect((await h.node('c1'))?.state).toBe('cordoned');
    expect(await h.place('keep')).toMatchObject({ nodeId: 'c1', outcome: 'existing' });
    expect((await h.place('fresh')).nodeId).toBe('c2');
  });

  it('disables a cordoned node once a poll finds it empty, and says the scheduler did it', async () => {
    await new Promise((r) => setTimeout(r, 300)); // past the pending TTL of 'keep'
    await h.sample('c1', { meetings: 0 });
    expect((await h.node('c1'))?.state).toBe('disabled');
    await waitFor('updated by scheduler', () =>
      events.find((e) => e.node.id === 'c1' && e.by === 'scheduler' && e.node.state === 'disabled'),
    );
    expect(await h.place('keep')).toMatchObject({ nodeId: 'c2', outcome: 'moved', previousNodeId: 'c1' });
  });

  it('does not disable a cordoned node whose room was placed too recently for a poll to see', async () => {
    await h.bus.request(contracts.updateNode, { id: 'c1', state: 'enabled' });
    await h.sample('c1', { participants: 0, at: Date.now() + 1 });
    await h.bus.request(contracts.updateNode, { id: 'c2', state: 'disabled' });
    expect((await h.place('recent')).nodeId).toBe('c1');
    await cordon('c1');
    await h.sample('c1', { meetings: 0, at: Date.now() + 2 });
    expect((await h.node('c1'))?.state).toBe('cordoned');
  });

  it('disables a cordoned node when its last room is released', async () => {
    expect(await h.bus.request(contracts.end, { roomKey: 'recent' })).toMatchObject({ released: true });
    expect((await h.node('c1'))?.state).toBe('disabled');
    await waitFor(
      'release event',
      () =>
        events.filter((e) => e.node.id === 'c1' && e.by === 'scheduler' && e.node.state === 'disabled').length === 2,
    );
  });

  it('panics a node: disabled, rooms released so they are placed anew, even when the node is unreachable', async () => {
    await h.bus.request(contracts.updateNode, { id: 'c1', state: 'enabled' });
    await h.bus.request(contracts.updateNode, { id: 'c2', state: 'enabled' });
    await h.bus.request(contracts.updateNode, { id: 'c2', state: 'disabled' });
    for (const k of ['p1', 'p2']) expect((await h.place(k)).nodeId).toBe('c1');
    await h.bus.request(contracts.updateNode, { id: 'c2', state: 'enabled' });
    const reply = await h.bus.request(contracts.panicNode, { id: 'c1', by: 'dave' }, { timeoutMs: 10_000 });
    expect(reply).toMatchObject({ node: { id: 'c1', state: 'disabled' }, released: 2, ended: 0 });
    expect(reply.error).toEqual(expect.stringContaining('unreachable'));
    expect(await h.place('p1')).toMatchObject({ nodeId: 'c2', outcome: 'new' });
    expect((await h.node('c1'))?.rooms).toBe(0);
    expect(h.logs.join('')).toContain('"by":"dave"');
    const unknown = await h.bus.request(contracts.panicNode, { id: 'ghost' }).catch((e: unknown) => e);
    expect((unknown as { code: string }).code).toBe('not-found');
  });
});
