import { waitFor } from '@ensemble/testing';
import { FaultStack } from './faults.test-support.js';

const status = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(5000) }).then(
    (r) => r.status,
    () => 0,
  );

/**
 * Liveness and readiness under real outages: Redis, PostgreSQL and then NATS stopped under a
 * running stack. Readiness turns red while a dependency is away and green once it
 * is back; liveness stays green throughout (a process that waits for its
 * dependencies must not be restarted for it).
 */
describe('liveness and readiness while Redis, PostgreSQL or NATS is away', () => {
  const s = new FaultStack();
  let probes: Record<string, string>;
  /** Every /livez answer that was not 200, per component, while the outages ran. */
  const livezFailures: string[] = [];
  let watching: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    await s.start({ nodes: 1 });
    probes = {
      gateway: s.gateway.url,
      scheduler: `http://127.0.0.1:${s.inProcessScheduler!.metricsPort}`,
      'load-collector': `http://127.0.0.1:${s.collector.metricsPort}`,
    };
    watching = setInterval(() => {
      for (const [name, base] of Object.entries(probes))
        void status(`${base}/livez`).then((code) => {
          if (code !== 200) livezFailures.push(`${name} ${code}`);
        });
    }, 100);
  }, 60_000);
  afterAll(async () => {
    clearInterval(watching);
    await s.stop();
  });

  const readiness = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      await Promise.all(Object.entries(probes).map(async ([n, base]) => [n, await status(`${base}/readyz`)] as const)),
    );
  const eventually = (what: string, want: Record<string, number>) =>
    waitFor(
      what,
      async () => {
        const now = await readiness();
        return Object.entries(want).every(([n, code]) => now[n] === code);
      },
      { timeoutMs: 30_000 },
    );

  it('is ready on every service once the stack runs, /healthz answering as /readyz', async () => {
    expect(await readiness()).toEqual({ gateway: 200, scheduler: 200, 'load-collector': 200 });
    const health = await fetch(`${s.gateway.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', checks: { nats: true, redis: true, database: true } });
    expect(await (await fetch(`${probes['load-collector']}/readyz`)).json()).toEqual({
      status: 'ok',
      checks: { nats: true },
    });
  });

  it('turns readiness red while Redis is stopped (gateway, scheduler), and green again after', async () => {
    await s.redis.process.stop();
    await eventually('gateway and scheduler not ready without Redis', { gateway: 503, scheduler: 503 });
    const body = (await (await fetch(`${s.gateway.url}/readyz`)).json()) as { checks: Record<string, boolean> };
    expect(body.checks).toEqual({ nats: true, redis: false, database: true });
    // The collector has no Redis: it stays ready.
    expect((await readiness())['load-collector']).toBe(200);

    await s.redis.process.start();
    await eventually('every service ready once Redis is back', { gateway: 200, scheduler: 200, 'load-collector': 200 });
  }, 90_000);

  it('turns readiness red while PostgreSQL is stopped (gateway and scheduler, which own tables), and green again after', async () => {
    await s.postgres.process.stop();
    await eventually('gateway and scheduler not ready without PostgreSQL', { gateway: 503, scheduler: 503 });
    const body = (await (await fetch(`${s.gateway.url}/readyz`)).json()) as { checks: Record<string, boolean> };
    expect(body.checks).toEqual({ nats: true, redis: true, database: false });
    // The collector has no database: it stays ready.
    expect((await readiness())['load-collector']).toBe(200);

    await s.postgres.restart();
    await eventually('every service ready once PostgreSQL is back', {
      gateway: 200,
      scheduler: 200,
      'load-collector': 200,
    });
  }, 90_000);

  it('turns readiness red while NATS is stopped (every service), and green again after', async () => {
    await s.nats.process.stop();
    await eventually('no service ready without NATS', { gateway: 503, scheduler: 503, 'load-collector': 503 });
    const body = (await (await fetch(`${s.gateway.url}/readyz`)).json()) as { checks: Record<string, boolean> };
    expect(body.checks).toEqual({ nats: false, redis: true, database: true });

    await s.nats.process.start();
    await eventually('every service ready once NATS is back', { gateway: 200, scheduler: 200, 'load-collector': 200 });
  }, 90_000);

  it('kept liveness green on every service throughout', () => {
    expect(livezFailures).toEqual([]);
  });
});
