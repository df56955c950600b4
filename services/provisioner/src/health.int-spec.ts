import { parseConfig } from '@ensemble/shared';
import { startNats, startRedis, waitFor, type TestServer } from '@ensemble/testing';
import { startProvisioner, type RunningProvisioner } from './bootstrap.js';
import { provisionerEnvSchema } from './config.js';

describe('the provisioner skeleton', () => {
  let nats: TestServer;
  let redis: TestServer;
  let provisioner: RunningProvisioner;

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    provisioner = await startProvisioner(
      parseConfig('provisioner', provisionerEnvSchema, { NATS_URL: nats.url, REDIS_URL: redis.url, METRICS_PORT: '0' }),
      { logSink: () => {} },
    );
  });
  afterAll(async () => {
    await provisioner?.close();
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  it('reports healthy while NATS and Redis are reachable, degraded while Redis is away, healthy again after', async () => {
    const health = () => fetch(`http://127.0.0.1:${provisioner.metricsPort}/healthz`);
    expect((await health()).status).toBe(200);
    await redis.process.stop();
    await new Promise((r) => setTimeout(r, 300));
    const res = await health();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { nats: true, redis: false } });
    await redis.process.start();
    await waitFor('healthy again', async () => (await health()).status === 200, { timeoutMs: 5000 });
  });

  it('exposes Prometheus metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${provisioner.metricsPort}/metrics`)).text();
    expect(text).toContain('ensemble_process_cpu_seconds_total');
  });
});
