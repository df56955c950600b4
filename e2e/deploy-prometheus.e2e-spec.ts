import { parseConfig } from '@ensemble/shared';
import {
  freePort,
  startNats,
  startPostgres,
  startRedis,
  waitFor,
  type TestServer,
  type PostgresServer,
} from '@ensemble/testing';
import { gatewayEnvSchema, startGateway, type RunningGateway } from '@ensemble/gateway-api';
import { schedulerEnvSchema, startScheduler, type RunningScheduler } from '@ensemble/scheduler';
import { loadCollectorEnvSchema, startLoadCollector, type RunningLoadCollector } from '@ensemble/load-collector';
import { provisionerEnvSchema, startProvisioner, type RunningProvisioner } from '@ensemble/provisioner';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { renameSync, writeFileSync } from 'node:fs';
import { Daemon, needBinary, removeDir, repoFile, run, startPrometheus, tempDir } from './deploy.test-support.js';

interface Target {
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}
const SERVICE_JOBS = ['gateway-api', 'scheduler', 'load-collector', 'provisioner'];

/** deploy/prometheus: promtool accepts it, and a real Prometheus with it scrapes a running stack. */
describe('the Prometheus config', () => {
  let nats: TestServer;
  let redis: TestServer;
  let postgres: PostgresServer;
  let scheduler: RunningScheduler;
  let collector: RunningLoadCollector;
  let provisioner: RunningProvisioner;
  let gateway: RunningGateway;
  let exporter: Server;
  let prometheus: { url: string; daemon: Daemon; dir: string } | undefined;
  let dir: string;
  let promtool: string;

  const targets = async (): Promise<Target[]> => {
    const body = (await (await fetch(`${prometheus!.url}/api/v1/targets`)).json()) as {
      data: { activeTargets: Target[] };
    };
    return body.data.activeTargets;
  };

  beforeAll(async () => {
    promtool = needBinary('promtool', 'prometheus');
    needBinary('prometheus', 'prometheus');
    dir = tempDir('prometheus-config');
    [nats, redis, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
    const common = { NATS_URL: nats.url, REDIS_URL: redis.url, METRICS_PORT: '0' };
    const quiet = { logSink: () => {} };
    scheduler = await startScheduler(
      parseConfig('scheduler', schedulerEnvSchema, { ...common, DATABASE_URL: await postgres.createDatabase() }),
      quiet,
    );
    collector = await startLoadCollector(parseConfig('load-collector', loadCollectorEnvSchema, common), quiet);
    provisioner = await startProvisioner(
      parseConfig('provisioner', provisionerEnvSchema, { ...common, DATABASE_URL: await postgres.createDatabase() }),
      quiet,
    );
    gateway = await startGateway(
      parseConfig('gateway-api', gatewayEnvSchema, {
        DATABASE_URL: postgres.url,
        ...common,
        GATEWAY_PORT: '0',
        OPS_TOKEN: 'prom-e2e-ops-token-0123',
      }),
      quiet,
    );
    // Stands in for a BBB node's exporter: a plain HTTP page in the exposition format.
    exporter = createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
        .end('bbb_meetings 3\nbbb_meetings_participants 17\n'),
    );
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', () => resolve()));
  }, 60_000);

  afterAll(async () => {
    await prometheus?.daemon.stop();
    removeDir(prometheus?.dir);
    await new Promise<void>((resolve) => (exporter ? exporter.close(() => resolve()) : resolve()));
    await gateway?.close();
    await provisioner?.close();
    await collector?.close();
    await scheduler?.close();
    await Promise.all([nats?.stop(), redis?.stop(), postgres?.stop()]);
    removeDir(dir);
  });

  it('passes promtool check config as shipped', () => {
    const { stdout } = run(promtool, ['check', 'config', join(process.cwd(), 'deploy/prometheus/prometheus.yml')]);
    expect(stdout).toContain('SUCCESS');
  });

  it('scrapes every service of a running stack and the node exporters listed in the targets files', async () => {
    // Compose finds replicas by DNS name; here each service is one process on a loopback port.
    const dnsSd = (name: string, port: number) =>
      new RegExp(
        `dns_sd_configs:\\n\\s+- names: \\['${name}'\\]\\n\\s+type: A\\n\\s+port: ${port}\\n\\s+refresh_interval: \\S+`,
      );
    const staticAt = (port: number) => `static_configs:\n      - targets: ['127.0.0.1:${port}']`;
    const config = repoFile('deploy/prometheus/prometheus.yml')
      .replace(/scrape_interval: \S+/, 'scrape_interval: 1s')
      .replace(/scrape_timeout: \S+/, 'scrape_timeout: 1s')
      .replace(/refresh_interval: \S+/g, 'refresh_interval: 1s')
      .replace(dnsSd('gateway-api', 8080), staticAt(gateway.port))
      .replace(dnsSd('scheduler', 9101), staticAt(scheduler.metricsPort))
      .replace(dnsSd('load-collector', 9102), staticAt(collector.metricsPort))
      .replace(dnsSd('provisioner', 9103), staticAt(provisioner.metricsPort))
      .replaceAll('/etc/prometheus/targets/', `${dir}/`);
    expect(config).not.toContain('dns_sd_configs'); // every compose service was replaced
    writeFileSync(join(dir, 'prometheus.yml'), config);
    expect(run(promtool, ['check', 'config', join(dir, 'prometheus.yml')]).stdout).toContain('SUCCESS');

    // As the provisioner does it: write aside, then rename into place.
    const { port } = exporter.address() as AddressInfo;
    const group = [{ targets: [`127.0.0.1:${port}`], labels: { nodeId: 'bbb-7', engine: 'bbb' } }];
    writeFileSync(join(dir, '.bbb-fleet.json.tmp'), JSON.stringify(group));
    renameSync(join(dir, '.bbb-fleet.json.tmp'), join(dir, 'bbb-fleet.json'));

    prometheus = await startPrometheus(config, await freePort());
    const up = await waitFor(
      'every target up',
      async () => {
        const all = await targets();
        const jobs = new Set(all.filter((t) => t.health === 'up').map((t) => t.labels.job));
        return [...SERVICE_JOBS, 'bbb-nodes'].every((j) => jobs.has(j)) ? all : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${JSON.stringify(await targets(), null, 1)}\n${prometheus?.daemon.log ?? ''}`);
    });
    expect(up.find((t) => t.labels.job === 'bbb-nodes')?.labels).toMatchObject({ nodeId: 'bbb-7', engine: 'bbb' });
    expect(up.filter((t) => t.health !== 'up')).toEqual([]);

    const query = async (q: string) =>
      (
        (await (await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
          data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
        }
      ).data.result;
    const services = await waitFor('ensemble metrics from every service', async () => {
      const r = await query('ensemble_process_cpu_seconds_total');
      return r.length >= SERVICE_JOBS.length ? r : undefined;
    });
    expect(new Set(services.map((s) => s.metric.job))).toEqual(new Set(SERVICE_JOBS));
    expect((await query('bbb_meetings_participants'))[0]?.value[1]).toBe('17');
  }, 60_000);
});
