import { contracts } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus } from '@ensemble/shared';
import { freePort, startNats, startPostgres, startRedis, waitFor } from '@ensemble/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchProcess, root, type MemoryReport } from './processes.js';

export interface PollFigures {
  nodes: number;
  cycleSeconds: number;
  cpuSecondsPerCycle: number;
  /** CPU share of one core at a 30 s interval. */
  coreShareAt30s: number;
  samplesPerCycle: number;
  payloadMiBPerCycle: number;
}

const metric = (text: string, name: string) => {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
};

/** One load-collector polling `nodes` simulated BBB nodes with realistic getMeetings payloads. */
export async function benchPoll(nodes: number, cycles: number, memory: MemoryReport): Promise<PollFigures> {
  // The scheduler keeps its node inventory in PostgreSQL (decision 090).
  const [nats, redis, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
  const dir = mkdtempSync(join(tmpdir(), 'ensemble-bench-'));
  const procs: BenchProcess[] = [];
  const bus = await NatsBus.connect({
    url: nats.url,
    name: 'bench',
    logger: new Logger('bench', 'error'),
    metrics: new Metrics('bench'),
  });
  const sim = spawn(
    process.execPath,
    [
      join(root, 'tools/bbb-sim/dist/main.js'),
      '--nodes',
      String(nodes),
      '--out',
      join(dir, 'nodes.json'),
      '--seed-meetings',
      '0-50',
      '--seed',
      '7',
      '--control-port',
      '0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    await waitFor(
      'bbb-sim nodes',
      () => {
        try {
          return (
            (JSON.parse(readFileSync(join(dir, 'nodes.json'), 'utf8')) as { nodes: unknown[] }).nodes.length === nodes
          );
        } catch {
          return false;
        }
      },
      { timeoutMs: 60_000 },
    );
    const fleet = (
      JSON.parse(readFileSync(join(dir, 'nodes.json'), 'utf8')) as {
        nodes: Array<{ id: string; url: string; secret: string }>;
      }
    ).nodes;
    const schedPort = await freePort();
    procs.push(
      await BenchProcess.start(
        'scheduler',
        'services/scheduler/dist/main.js',
        {
          NATS_URL: nats.url,
          REDIS_URL: redis.url,
          DATABASE_URL: await postgres.createDatabase(),
          METRICS_PORT: String(schedPort),
        },
        schedPort,
      ),
    );
    await Promise.all(
      fleet.map((n) =>
        bus.request(contracts.registerNode, { id: n.id, url: n.url, secret: n.secret }, { timeoutMs: 30_000 }),
      ),
    );
    let samples = 0;
    bus.subscribe(contracts.loadSample, () => void samples++);

    const collectorPort = await freePort();
    const interval = 8;
    const collector = await BenchProcess.start(
      'load-collector',
      'services/load-collector/dist/main.js',
      {
        NATS_URL: nats.url,
        METRICS_PORT: String(collectorPort),
        POLL_INTERVAL_S: String(interval),
        POLL_TIMEOUT_MS: '10000',
      },
      collectorPort,
    );
    procs.push(collector);
    const scrape = async () => (await fetch(`http://127.0.0.1:${collectorPort}/metrics`)).text();
    const count = async () => metric(await scrape(), 'ensemble_collector_cycle_duration_seconds_count');
    await waitFor('first cycle', async () => (await count()) >= 1, { timeoutMs: 120_000 });
    const before = await scrape();
    const samplesBefore = samples;
    await waitFor(`${cycles} more cycles`, async () => (await count()) >= 1 + cycles, {
      timeoutMs: 60_000 + cycles * 60_000,
      intervalMs: 200,
    });
    const after = await scrape();
    const delta = (name: string) => metric(after, name) - metric(before, name);
    const cpuPerCycle = delta('ensemble_process_cpu_seconds_total') / cycles;
    const probe = fleet.slice(0, 20);
    const bytes = probe.length
      ? (await Promise.all(probe.map(sampleBytes))).reduce((a, b) => a + b, 0) / probe.length
      : 0;
    for (const p of procs) memory.record(p);
    return {
      nodes,
      cycleSeconds: round(delta('ensemble_collector_cycle_duration_seconds_sum') / cycles),
      cpuSecondsPerCycle: round(cpuPerCycle),
      coreShareAt30s: round(cpuPerCycle / 30),
      samplesPerCycle: Math.round((samples - samplesBefore) / cycles),
      payloadMiBPerCycle: round((bytes * nodes) / 1024 / 1024),
    };
  } finally {
    for (const p of procs) await p.stop();
    sim.kill('SIGTERM');
    await bus.close();
    await Promise.all([nats.stop(), redis.stop(), postgres.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Size of one node's getMeetings answer (an estimate of the payload per node). */
async function sampleBytes(n: { url: string; secret: string }): Promise<number> {
  const { signedApiUrl } = await import('@ensemble/shared');
  const res = await fetch(signedApiUrl(`${n.url}api`, 'getMeetings', {}, n.secret));
  return (await res.arrayBuffer()).byteLength;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
