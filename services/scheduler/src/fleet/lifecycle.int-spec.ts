import { DomainError, contracts, type FleetNodeEvent } from '@ensemble/contracts';
import { recordingTokenSha256 } from '@ensemble/shared';
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

  describe('recording upload tokens', () => {
    const resolve = (token: string) =>
      h.bus.request(contracts.resolveRecordingToken, { tokenSha256: recordingTokenSha256(token) });
    const register = (id: string, extra: Record<string, unknown> = {}) =>
      h.bus.request(contracts.registerNode, {
        id,
        url: `http://127.0.0.1:9/${id}/bigbluebutton/`,
        secret: `secret-of-${id}`,
        ...extra,
      });

    it('issues a token to a BBB node registered without one, answered once, and resolves it to the node', async () => {
      const first = await register('tok-issued');
      expect(first.recordingToken).toMatch(/^[A-Za-z0-9_-]{48}$/);
      // A retried registration finds the node there: the token is not shown again.
      expect((await register('tok-issued')).recordingToken).toBeUndefined();
      expect(await resolve(first.recordingToken!)).toEqual({ nodeId: 'tok-issued' });
      expect(await resolve('not-a-token-of-anyone-0123456789abcdef')).toEqual({ nodeId: null });
      // Never in events, logs or listings.
      await waitFor('added event', () => events.find((e) => e.change === 'added' && e.node.id === 'tok-issued'));
      const shown = JSON.stringify([events, h.logs, await h.bus.request(contracts.listNodes, {})]);
      expect(shown).not.toContain(first.recordingToken!);
      expect(shown).not.toContain(recordingTokenSha256(first.recordingToken!));
    });

    it('keeps the token Terraform gave (answering none), honoured RECORDING_TOKEN_GRACE_S after the node is removed', async () => {
      const token = 'terraform-given-token-0123456789abcdefABCDEF012345';
      expect((await register('tok-given', { recordingToken: token })).recordingToken).toBeUndefined();
      expect(await resolve(token)).toEqual({ nodeId: 'tok-given' });
      const removedAt = Date.now();
      await h.bus.request(contracts.removeNode, { id: 'tok-given' });
      const { validUntil } = await resolve(token);
      expect(await resolve(token)).toEqual({ nodeId: 'tok-given', validUntil });
      // The default grace: 7 days from the removal.
      expect(validUntil! - removedAt).toBeGreaterThan(7 * 86_400_000 - 60_000);
      expect(validUntil! - removedAt).toBeLessThan(7 * 86_400_000 + 60_000);
      expect(h.logs.join('')).not.toContain(token);
    });

    it('refuses a malformed token or hash as invalid input', async () => {
      await expect(register('tok-bad', { recordingToken: 'short' })).rejects.toMatchObject({ code: 'invalid-input' });
      await expect(h.bus.request(contracts.resolveRecordingToken, { tokenSha256: 'XYZ' })).rejects.toMatchObject({
        code: 'invalid-input',
      });
    });
  });
});
