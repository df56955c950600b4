import { contracts, type ScaleOutRequest } from '@ensemble/contracts';
import { Database, Logger } from '@ensemble/shared';
import { Redis } from 'ioredis';
import { waitFor } from '@ensemble/testing';
import { ProvisionerHarness } from '../provisioner-harness.test-support.js';
import type { ProvisionerTables } from '../db/schema.js';
import { ProvisionService } from './provision.service.js';
import { RunsRepository, queuedRun } from './runs.repository.js';

const request: ScaleOutRequest = { count: 1, offer: 'GP-BM1-M', zone: 'fr-par-2', reason: 'test', by: 'ops' };

/** Two provisioners on one database, as two instances (or one after a restart) would be. */
describe('one provisioning run at a time, held in PostgreSQL', () => {
  const a = new ProvisionerHarness();
  const b = new ProvisionerHarness();
  const service = (h: ProvisionerHarness) => h.provisioner.app.get(ProvisionService);
  const busyOrId = (p: Promise<{ runId: string }>) =>
    p.then(
      (r) => r.runId,
      (e: Error) => e.message,
    );

  beforeAll(async () => {
    await a.start({ PROVISION_RUN_TIMEOUT_S: '2' });
    await b.start(
      { PROVISION_RUN_TIMEOUT_S: '2', DATABASE_URL: a.databaseUrl },
      { nats: a.nats, redis: a.redis, postgres: a.postgres },
    );
  });
  afterAll(async () => {
    await b.stop({ keepServers: true });
    await a.stop();
  });

  it('starts exactly one run when two provisioners are asked at once', async () => {
    a.dir.scenario('hang');
    b.dir.scenario('hang');
    const answers = await Promise.all([busyOrId(service(a).scaleOut(request)), busyOrId(service(b).scaleOut(request))]);
    const started = answers.filter((x) => x.startsWith('run-'));
    expect(started).toHaveLength(1);
    expect(answers.filter((x) => x.startsWith('busy:'))).toEqual([`busy: run ${started[0]} is in progress`]);
    expect((await a.finished(started[0]!)).failure?.code).toBe('timeout');
  });

  it('keeps the slot through a Redis FLUSHALL during a run: a second scale-out is still refused', async () => {
    a.dir.scenario('hang');
    const { runId } = await service(a).scaleOut(request);
    const redis = new Redis(a.redis.url);
    try {
      await redis.flushall();
    } finally {
      redis.disconnect();
    }
    await expect(service(b).scaleOut(request)).rejects.toMatchObject({ message: `busy: run ${runId} is in progress` });
    await expect(a.bus.request(contracts.scaleOut, { count: 1, reason: 'again' })).rejects.toMatchObject({
      code: 'conflict',
    });
    await a.finished(runId);
  });

  it('marks the run of a provisioner that died interrupted once its lease ran out, at the next start', async () => {
    // A run claimed by a provisioner that is gone: nobody renews its lease (0 ms: already over).
    const database = Database.connect(a.databaseUrl, new Logger('test', 'error'), 'test');
    const runs = new RunsRepository(database.typed<ProvisionerTables>());
    const orphan = await runs.claim(
      {
        ...queuedRun({
          id: 'run-orphan-1',
          kind: 'scale-out',
          reason: 'its provisioner died',
          requestedBy: 'ops',
          params: {},
        }),
        phase: 'applying',
        nodes: ['bbb-par2-dead01'],
      },
      0,
    );
    await database.close();
    expect(orphan).toHaveProperty('run');
    await b.halt();
    await b.boot();
    const run = await b.bus.request(contracts.getRun, { runId: 'run-orphan-1' });
    expect(run).toMatchObject({ phase: 'failed', failure: { code: 'interrupted' } });
    expect(b.logs.some((l) => l.includes('runs interrupted') && l.includes('run-orphan-1'))).toBe(true);
    a.dir.scenario('init-fails');
    const next = await service(a).scaleOut(request);
    expect((await a.finished(next.runId)).failure?.code).toBe('terraform-failed');
  });
});

describe('a run that cannot renew its lease', () => {
  const h = new ProvisionerHarness();

  beforeAll(async () => {
    await h.start({ PROVISION_LEASE_S: '1', PROVISION_RUN_TIMEOUT_S: '120' });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('stops itself while PostgreSQL is away (before another could take the slot), and is marked interrupted once it is back', async () => {
    h.dir.scenario('hang');
    const { runId } = await h.bus.request(contracts.scaleOut, { count: 1, reason: 'test' }, { timeoutMs: 5000 });
    await waitFor('the run applying', () => h.events.some((e) => e.runId === runId && e.phase === 'applying'));
    await h.postgres.process.stop();
    // Its end could not be stored; it is still told on NATS.
    const failed = await waitFor('the run to stop itself', () =>
      h.events.find((e) => e.runId === runId && e.phase === 'failed'),
    );
    expect(failed.message).toMatch(/^lost-lock: provisioning lease not confirmed in time/);
    expect(h.dir.nodeMap()).toEqual({});

    await h.postgres.restart();
    h.dir.scenario('init-fails');
    const next = await waitFor('a new run once PostgreSQL is back', () =>
      h.bus.request(contracts.scaleOut, { count: 1, reason: 'again' }, { timeoutMs: 5000 }).catch(() => null),
    );
    expect((await h.finished(next!.runId)).failure?.code).toBe('terraform-failed');
    expect(await h.bus.request(contracts.getRun, { runId })).toMatchObject({
      phase: 'failed',
      failure: { code: 'interrupted' },
    });
  });
});
