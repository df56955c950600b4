import { recordingTokenSha256, type Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
import { schedulerDatabase, startSchedulerPostgres } from '../db/scheduler-db.test-support.js';
import { NodesRepository, type NodeRecord } from './nodes.repository.js';

let n = 0;
const aNode = (over: Partial<NodeRecord> = {}): NodeRecord => {
  const id = `node${++n}`;
  return {
    id,
    engine: 'bbb',
    url: `https://${id}.example.org/bigbluebutton/`,
    secret: `secret-of-${id}`,
    tags: ['eu', 'gpu'],
    loadMultiplier: 1.5,
    state: 'cordoned',
    enableWhenHealthy: true,
    prometheusInstance: null,
    createdAt: 1_700_000_000_123 + n,
    ...over,
  };
};

describe('the node inventory on PostgreSQL', () => {
  let server: PostgresServer;
  let database: Database;
  let nodes: NodesRepository;

  beforeAll(async () => {
    server = await startSchedulerPostgres();
  });
  beforeEach(async () => {
    const made = await schedulerDatabase(server);
    database = made.database;
    nodes = new NodesRepository(made.db);
  });
  afterEach(() => database?.close());
  afterAll(() => server?.stop());

  it('registers a node and gives it back with every field as written', async () => {
    const node = aNode({ engine: 'jitsi', secret: '', prometheusInstance: '10.0.0.7:9100' });
    expect(await nodes.register(node)).toEqual({ outcome: 'added', node });
    expect(await nodes.get(node.id)).toEqual(node);
    expect(await nodes.list()).toEqual([node]);
  });

  it('answers a retried registration (same id, engine and URL) with the node as first stored', async () => {
    const node = aNode();
    await nodes.register(node);
    expect(await nodes.register({ ...node, state: 'enabled', createdAt: node.createdAt + 5 })).toEqual({
      outcome: 'exists',
      node,
    });
  });

  it('refuses a second node under a taken id with another URL, and keeps the first', async () => {
    const node = aNode();
    await nodes.register(node);
    expect(await nodes.register({ ...node, url: 'https://other.example.org/bigbluebutton/' })).toEqual({
      outcome: 'conflict',
    });
    expect(await nodes.register({ ...node, engine: 'jitsi' })).toEqual({ outcome: 'conflict' });
    expect(await nodes.get(node.id)).toEqual(node);
  });

  it('registers one node when the same id is registered twice at once with two URLs', async () => {
    const node = aNode();
    const outcomes = await Promise.all([
      nodes.register(node),
      nodes.register({ ...node, url: 'https://other.example.org/bigbluebutton/' }),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['added', 'conflict']);
    expect(await nodes.list()).toHaveLength(1);
  });

  it('updates state, multiplier and tags, each alone, and an explicit state ends enableWhenHealthy', async () => {
    const node = aNode();
    await nodes.register(node);
    expect(await nodes.update({ id: node.id, loadMultiplier: 3 })).toEqual({ ...node, loadMultiplier: 3 });
    expect(await nodes.update({ id: node.id, tags: [] })).toEqual({ ...node, loadMultiplier: 3, tags: [] });
    const disabled = await nodes.update({ id: node.id, state: 'disabled' });
    expect(disabled).toEqual({ ...node, loadMultiplier: 3, tags: [], state: 'disabled', enableWhenHealthy: false });
    expect(await nodes.get(node.id)).toEqual(disabled);
  });

  it('answers null for an update or a removal of a node it does not have', async () => {
    expect(await nodes.update({ id: 'nobody', state: 'enabled' })).toBeNull();
    expect(await nodes.remove('nobody', 60)).toBeNull();
  });

  it('removes a node, giving back the record it had, and frees its id for another URL', async () => {
    const node = aNode();
    await nodes.register(node);
    expect(await nodes.remove(node.id, 60)).toEqual(node);
    expect(await nodes.get(node.id)).toBeNull();
    const again = { ...node, url: 'https://other.example.org/bigbluebutton/' };
    expect(await nodes.register(again)).toEqual({ outcome: 'added', node: again });
  });

  it('lists every node by id', async () => {
    const [b, a] = [aNode({ id: 'b-node' }), aNode({ id: 'a-node' })];
    await nodes.register(b);
    await nodes.register(a);
    expect((await nodes.list()).map((x) => x.id)).toEqual(['a-node', 'b-node']);
    expect((await nodes.ids()).sort()).toEqual(['a-node', 'b-node']);
  });

  it('copies a node known only to Redis once, and never overwrites the record it has', async () => {
    const node = aNode();
    expect(await nodes.adopt(node)).toBe(true);
    expect(await nodes.adopt({ ...node, state: 'enabled', url: 'https://other.example.org/' })).toBe(false);
    expect(await nodes.get(node.id)).toEqual(node);
  });

  it('finds a node by the hash of its recording token, and none once it is removed without a grace', async () => {
    const [a, b] = [aNode(), aNode()];
    const [ha, hb] = [recordingTokenSha256('token-of-a'), recordingTokenSha256('token-of-b')];
    await nodes.register(a, ha);
    await nodes.register(b, hb);
    await nodes.register(aNode());
    expect(await nodes.byRecordingToken(ha)).toEqual({ nodeId: a.id });
    expect(await nodes.byRecordingToken(hb)).toEqual({ nodeId: b.id });
    expect(await nodes.byRecordingToken(recordingTokenSha256('token-of-c'))).toBeNull();
    // The record never carries the hash (it is mirrored to Redis and shown).
    expect(JSON.stringify(await nodes.list())).not.toContain(ha);
    await nodes.remove(a.id, 0);
    expect(await nodes.byRecordingToken(ha)).toBeNull();
    expect(await nodes.purgeRetiredTokens()).toBe(0);
  });

  it("honours a removed node's token for its grace, saying until when, then refuses it and purges it", async () => {
    const node = aNode();
    const h = recordingTokenSha256('token-of-a-node-gone-dark');
    await nodes.register(node, h);
    const before = Date.now();
    await nodes.remove(node.id, 2);
    const holder = await nodes.byRecordingToken(h);
    expect(holder).toEqual({ nodeId: node.id, validUntil: expect.any(Number) });
    expect(holder!.validUntil).toBeGreaterThanOrEqual(before + 1000);
    expect(holder!.validUntil).toBeLessThanOrEqual(Date.now() + 2000);
    expect(await nodes.purgeRetiredTokens()).toBe(0); // still in its grace
    await new Promise((r) => setTimeout(r, Math.max(0, holder!.validUntil! - Date.now()) + 50));
    expect(await nodes.byRecordingToken(h)).toBeNull();
    expect(await nodes.purgeRetiredTokens()).toBe(1);
    expect(await nodes.purgeRetiredTokens()).toBe(0);
  });

  it("ends a retired token's grace when its node id is registered again, the new record's token holding", async () => {
    const node = aNode();
    const [old, fresh] = [recordingTokenSha256('old-token-of-node'), recordingTokenSha256('new-token-of-node')];
    await nodes.register(node, old);
    await nodes.remove(node.id, 3600);
    expect(await nodes.byRecordingToken(old)).toMatchObject({ nodeId: node.id });
    await nodes.register(node, fresh);
    expect(await nodes.byRecordingToken(old)).toBeNull();
    expect(await nodes.byRecordingToken(fresh)).toEqual({ nodeId: node.id });
  });

  it('gives a re-registered token to the registered node, not to its retired copy', async () => {
    const [a, b] = [aNode(), aNode()];
    const h = recordingTokenSha256('token-moved-from-a-to-b');
    await nodes.register(a, h);
    await nodes.remove(a.id, 3600);
    await nodes.register(b, h); // an operator reused the token for another node
    expect(await nodes.byRecordingToken(h)).toEqual({ nodeId: b.id });
    // Removing b retires it again, now under b.
    await nodes.remove(b.id, 3600);
    expect(await nodes.byRecordingToken(h)).toMatchObject({ nodeId: b.id, validUntil: expect.any(Number) });
  });

  it('refuses a second node with the same recording token', async () => {
    const h = recordingTokenSha256('shared');
    await nodes.register(aNode(), h);
    await expect(nodes.register(aNode(), h)).rejects.toThrow();
  });

  it('refuses values the API would refuse too, as invalid input', async () => {
    await expect(nodes.register(aNode({ loadMultiplier: 0 }))).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
