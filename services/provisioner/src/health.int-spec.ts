import { contracts } from '@ensemble/contracts';
import { waitFor } from '@ensemble/testing';
import { ProvisionerHarness } from './provisioner-harness.test-support.js';

describe('the provisioner and its PostgreSQL', () => {
  const h = new ProvisionerHarness();
  const ready = () => fetch(`http://127.0.0.1:${h.provisioner.metricsPort}/readyz`);
  const scaleOut = () => h.bus.request(contracts.scaleOut, { count: 1, reason: 'test' }, { timeoutMs: 5000 });

  beforeAll(async () => {
    await h.start();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('is ready with NATS and PostgreSQL; without PostgreSQL it is not, answers a scale-out unavailable and starts nothing; both come back by themselves', async () => {
    expect((await ready()).status).toBe(200);
    await h.postgres.process.stop();
    const res = await ready();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { nats: true, database: false } });
    await expect(scaleOut()).rejects.toMatchObject({ code: 'unavailable' });
    expect(h.dir.calls()).toEqual([]);
    expect(h.dir.nodeMap()).toEqual({});

    await h.postgres.restart();
    await waitFor('ready again', async () => (await ready()).status === 200, { timeoutMs: 10_000 });
    h.dir.scenario('init-fails');
    const { runId } = await scaleOut();
    expect((await h.finished(runId)).failure?.code).toBe('terraform-failed');
  });

  it('exposes Prometheus metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${h.provisioner.metricsPort}/metrics`)).text();
    expect(text).toContain('ensemble_process_cpu_seconds_total');
  });
});
