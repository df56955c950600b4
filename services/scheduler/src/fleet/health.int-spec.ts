import { contracts, type NodeHealthEvent } from '@ensemble/contracts';
import { waitFor } from '@ensemble/testing';
import { SchedulerHarness } from '../harness.test-support.js';

describe('node health', () => {
  let h: SchedulerHarness;
  const events: NodeHealthEvent[] = [];

  beforeAll(async () => {
    h = await new SchedulerHarness().start({ env: { HEALTH_OFFLINE_AFTER: '3', HEALTH_ONLINE_AFTER: '2' } });
    h.bus.subscribe(contracts.nodeHealth, (e) => void events.push(e));
  });
  afterAll(() => h.stop());

  let t = Date.now();
  const poll = (id: string, reachable: boolean) =>
    h.sample(id, { reachable, at: ++t, ...(reachable ? {} : { error: 'connect-refused' }) });

  it('goes online on the first good poll of a new node', async () => {
    await h.addNodes(['a', 'b']);
    await poll('a', true);
    await poll('b', true);
    expect((await h.node('a'))?.health).toBe('online');
    await waitFor('online events', () => events.filter((e) => e.health === 'online').length === 2);
  });

  it('goes offline only after N consecutive failed polls, and publishes the transition once', async () => {
    await poll('a', false);
    await poll('a', false);
    expect((await h.node('a'))?.health).toBe('online');
    await poll('a', false);
    expect((await h.node('a'))?.health).toBe('offline');
    await poll('a', false);
    const offline = await waitFor('offline event', () =>
      events.filter((e) => e.nodeId === 'a' && e.health === 'offline'),
    );
    expect(offline).toHaveLength(1);
    expect(offline[0]).toMatchObject({ previous: 'online', reason: expect.stringContaining('connect-refused') });
  });

  it('moves rooms of an offline node elsewhere on their next placement', async () => {
    await poll('a', true);
    await poll('a', true); // back online
    const onA: string[] = [];
    for (let i = 0; onA.length < 3 && i < 20; i++) {
      const p = await h.place(`move-${i}`);
      if (p.nodeId === 'a') onA.push(p.roomKey);
    }
    for (let i = 0; i < 3; i++) await poll('a', false);
    for (const roomKey of onA) {
      const p = await h.place(roomKey);
      expect(p).toMatchObject({ nodeId: 'b', outcome: 'moved', previousNodeId: 'a' });
      expect((await h.place(roomKey)).outcome).toBe('existing');
    }
    expect((await h.node('a'))?.rooms).toBe(0);
  });

  it('comes back online only after M consecutive good polls', async () => {
    await poll('a', true);
    expect((await h.node('a'))?.health).toBe('offline');
    await poll('a', false);
    await poll('a', true);
    expect((await h.node('a'))?.health).toBe('offline');
    await poll('a', true);
    expect((await h.node('a'))?.health).toBe('online');
  });

  it('ignores a sample older than the last one applied', async () => {
    const before = await h.node('b');
    h.bus.publish(contracts.loadSample, {
      ...before!.lastSample!,
      at: before!.lastSample!.at - 1000,
      participants: 999,
    });
    await poll('a', true); // a later sample through the same queue: the old one was handled before it
    expect((await h.node('b'))?.lastSample?.participants).toBe(before!.lastSample!.participants);
  });
});
