import { DomainError, contracts, type FleetNodeEvent } from '@ensemble/contracts';
import { waitFor } from '@ensemble/testing';
import { SchedulerHarness } from '../harness.test-support.js';

describe('node lifecycle in the scheduler', () => {
  let h: SchedulerHarness;
  const events: FleetNodeEvent[] = [];

  beforeAll(async () => {
    h = await new SchedulerHarness().start();
    h.bus.subscribe(contracts.fleetNode, (e) => void events.push(e));
    await h.addNodes(['l1', 'l2']);
    await h.sample('l1');
    await h.sample('l2');
  });
  afterAll(() => h.stop());

  it('updates state, multiplier and tags, and tells who did it', async () => {
    const node = await h.bus.request(contracts.updateNode, {
      id: 'l1',
      state: 'cordoned',
      loadMultiplier: 2,
      tags: ['eu'],
      by: 'alice',
    });
    expect(node).toMatchObject({ id: 'l1', state: 'cordoned', loadMultiplier: 2, tags: ['eu'] });
    await waitFor('updated event', () =>
      events.find((e) => e.change === 'updated' && e.node.id === 'l1' && e.by === 'alice'),
    );
    expect(JSON.stringify(events)).not.toContain('secret-of-');
    expect(h.logs.join('')).toContain('"by":"alice"');
  });

  it('refuses an empty update and an unknown node', async () => {
    const empty = await h.bus.request(contracts.updateNode, { id: 'l1' }).catch((e: unknown) => e);
    expect((empty as DomainError).code).toBe('invalid-input');
    const unknown = await h.bus
      .request(contracts.updateNode, { id: 'ghost', state: 'enabled' })
      .catch((e: unknown) => e);
    expect((unknown as DomainError).code).toBe('not-found');
  });

  it('moves the rooms of a removed node on their next placement', async () => {
    await h.bus.request(contracts.updateNode, { id: 'l1', state: 'enabled' });
    await h.bus.request(contracts.updateNode, { id: 'l2', state: 'disabled' });
    const p = await h.place('orphan');
    expect(p.nodeId).toBe('l1');
    await h.bus.request(contracts.updateNode, { id: 'l2', state: 'enabled' });
    expect(await h.bus.request(contracts.removeNode, { id: 'l1', by: 'bob' })).toEqual({ removed: true });
    expect(await h.bus.request(contracts.removeNode, { id: 'l1' })).toEqual({ removed: false });
    expect(await h.node('l1')).toBeUndefined();
    expect(await h.place('orphan')).toMatchObject({ nodeId: 'l2', outcome: 'moved', previousNodeId: 'l1' });
    await waitFor('removed event', () => events.find((e) => e.change === 'removed' && e.by === 'bob'));
  });

  it('enables a node registered cordoned with enableWhenHealthy once it goes online', async () => {
    await h.bus.request(contracts.registerNode, {
      id: 'fresh',
      url: 'http://127.0.0.1:9/fresh/bigbluebutton/',
      secret: 'fresh-secret',
      state: 'cordoned',
      enableWhenHealthy: true,
    });
    expect((await h.node('fresh'))?.state).toBe('cordoned');
    await h.sample('fresh');
    expect(await h.node('fresh')).toMatchObject({ health: 'online', state: 'enabled' });
    await waitFor('updated event by the scheduler', () =>
      events.find((e) => e.node.id === 'fresh' && e.by === 'scheduler'),
    );
  });
});
