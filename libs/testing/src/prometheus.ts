import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ServerProcess } from './server-process.js';
import type { TestServer } from './servers.js';
import { waitFor } from './wait-for.js';

export interface ScrapeConfig {
  job: string;
  /** `host:port` each. */
  targets: string[];
  metricsPath?: string;
  /** Extra target labels (e.g. a node's public URL). */
  labels?: Record<string, string>;
}

export interface PrometheusServer extends TestServer {
  /** Rewrites the scrape config and asks Prometheus to reload it (`/-/reload`). */
  setScrapeConfigs(configs: ScrapeConfig[]): Promise<void>;
}

/** Prometheus YAML for the given jobs (JSON is valid YAML, so no YAML writer is needed). */
export function prometheusConfig(configs: ScrapeConfig[], scrapeIntervalS: number): string {
  const interval = `${Math.max(100, Math.round(scrapeIntervalS * 1000))}ms`;
  return JSON.stringify(
    {
      global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
      scrape_configs: configs.map((c) => ({
        job_name: c.job,
        metrics_path: c.metricsPath ?? '/metrics',
        static_configs: [{ targets: c.targets, ...(c.labels ? { labels: c.labels } : {}) }],
      })),
    },
    null,
    2,
  );
}

/**
 * A real `prometheus` on a free loopback port, config and TSDB in a temp dir,
 * scraping fast (default every second) so tests see changes within seconds.
 * `targets` is shorthand for one job named `jitsi`.
 */
export async function startPrometheus(
  opts: { scrapeConfigs?: ScrapeConfig[]; targets?: string[]; scrapeIntervalS?: number } = {},
): Promise<PrometheusServer> {
  const port = await freePort();
  const intervalS = opts.scrapeIntervalS ?? 1;
  const configs = opts.scrapeConfigs ?? [{ job: 'jitsi', targets: opts.targets ?? [] }];
  const proc = new ServerProcess('prometheus', port, (dir) => [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    '--storage.tsdb.retention.time=1h',
    '--log.level=warn',
  ]);
  const configFile = join(proc.dataDir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfig(configs, intervalS));
  await proc.start();
  const url = `http://127.0.0.1:${port}`;
  await waitFor('prometheus ready', async () => (await fetch(`${url}/-/ready`)).ok, { timeoutMs: 15_000 });
  return {
    url,
    port,
    process: proc,
    stop: () => proc.dispose(),
    async setScrapeConfigs(next) {
      writeFileSync(configFile, prometheusConfig(next, intervalS));
      const res = await fetch(`${url}/-/reload`, { method: 'POST' });
      if (!res.ok) throw new Error(`prometheus reload failed: ${res.status} ${await res.text()}`);
    },
  };
}

/** A real `prometheus-node-exporter` on a free loopback port (CPU collector only); `npm test`'s set-up installs it. */
export async function startNodeExporter(): Promise<TestServer> {
  const port = await freePort();
  const proc = await new ServerProcess('prometheus-node-exporter', port, () => [
    `--web.listen-address=127.0.0.1:${port}`,
    '--collector.disable-defaults',
    '--collector.cpu',
  ]).start();
  return { url: `http://127.0.0.1:${port}`, port, process: proc, stop: () => proc.dispose() };
}
