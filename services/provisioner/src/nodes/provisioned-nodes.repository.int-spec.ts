import type { Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
import { provisionerDatabase, startProvisionerPostgres } from '../db/provisioner-db.test-support.js';
import { ProvisionedNodesRepository, type ProvisionedNode } from './provisioned-nodes.repository.js';

const node = (name: string, over: Partial<ProvisionedNode> = {}): ProvisionedNode => ({
  name,
  hostname: `${name}.example.org`,
  ipv4: '192.0.2.10',
  runId: 'run-1',
  at: 1_700_000_000_000,
  ...over,
});

describe('provisioned nodes on PostgreSQL', () => {
  let server: PostgresServer;
  let database: Database;
  let nodes: ProvisionedNodesRepository;

  beforeAll(async () => {
    server = await startProvisionerPostgres();
    const db = await provisionerDatabase(server);
    database = db.database;
    nodes = new ProvisionedNodesRepository(db.db);
  });
  afterAll(async () => {
    await database?.close();
    await server?.stop();
  });

  it('adds nodes, replaces a node added again, lists them by name and removes one', async () => {
    await nodes.add([]);
    await nodes.add([node('bbb-b'), node('bbb-a')]);
    await nodes.add([node('bbb-a', { ipv4: '192.0.2.11', runId: 'run-2' })]);
    expect(await nodes.all()).toEqual([node('bbb-a', { ipv4: '192.0.2.11', runId: 'run-2' }), node('bbb-b')]);
    await nodes.remove('bbb-a');
    await nodes.remove('bbb-unknown');
    expect(await nodes.all()).toEqual([node('bbb-b')]);
  });
});
