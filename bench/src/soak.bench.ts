import { readFileSync } from 'node:fs';
import { BbbSim } from '@ensemble/bbb-sim';
import { contracts } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus } from '@ensemble/shared';
import { freePort, startNats, startPostgres, startRedis } from '@ensemble/testing';
import { drive } from './load.js';
import { BenchProcess } from './processes.js';

const OPS_TOKEN = 'soak-ops-token-0123456789';
const ROOMS = 400;

export interface SoakFigures {
  minutes: number;
  maxJoinRate: number;
  targetRate: number;
  requests: number;
  answeredByStatus: Record<string, number>;
  noAnswer: number;
  faults: { atS: number; fault: string }[];
  rooms: number;
  lostRooms: number;
  moves: number;
  rssMiB: Record<string, number[]>;
  rssSlopeMiBPerMin: Record<string, number>;
}

/**
 * `npm run bench -- --soak [--soak-minutes N]`: joins at half the measured
 * maximum rate for N minutes (default 10), a fault every minute (a scheduler
 * killed and replaced, Redis restarted, a node down then up), then checks that
 * every room placed is still assigned and fits a slope to each process's RSS.
 */
export async function benchSoak(minutes: number, log: (s: string) => void): Promise<SoakFigures> {
  const [nats, redis, postgres] = await Promise.all([startNats(), startRedis({ appendOnly: true }), startPostgres()]);
  // The scheduler and the gateway each own their tables: one database each.
  const [schedulerDb, gatewayDb] = [await postgres.createDatabase(), await postgres.createDatabase()];
  const sim = await BbbSim.start({ nodes: 4 });
  const bus = await NatsBus.connect({
    url: nats.url,
    name: 'soak',
    logger: new Logger('soak', 'error'),
    metrics: new Metrics('soak'),
  });
  const env = { NATS_URL: nats.url, REDIS_URL: redis.url };
  const scheduler = async (name: string) => {
    const port = await freePort();
    // The soak's placements have no meeting behind them: released as ended, they would count as lost.
    const soakEnv = { ...env, DATABASE_URL: schedulerDb, METRICS_PORT: String(port), RELEASE_ENDED_ROOMS: 'false' };
    return BenchProcess.start(name, 'services/scheduler/dist/main.js', soakEnv, port);
  };
  const procs: Record<string, BenchProcess> = {};
  try {
    procs['scheduler-a'] = await scheduler('scheduler-a');
    procs['scheduler-b'] = await scheduler('scheduler-b');
    const gwPort = await freePort();
    procs.gateway = await BenchProcess.start(
      'gateway-api',
      'services/gateway-api/dist/main.js',
      { ...env, DATABASE_URL: gatewayDb, GATEWAY_PORT: String(gwPort), OPS_TOKEN },
      gwPort,
    );
    for (const n of sim.nodes)
      await bus.request(contracts.registerNode, { id: n.id, url: n.baseUrl, secret: n.secret });
    const colPort = await freePort();
    procs.collector = await BenchProcess.start(
      'load-collector',
      'services/load-collector/dist/main.js',
      { NATS_URL: nats.url, METRICS_PORT: String(colPort), POLL_INTERVAL_S: '1', POLL_TIMEOUT_MS: '800' },
      colPort,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const gw = `http://127.0.0.1:${gwPort}`;
    const headers = { authorization: `Bearer ${OPS_TOKEN}`, 'content-type': 'application/json' };
    const max = await drive({
      url: `${gw}/api/ops/placements`,
      connections: 32,
      durationS: 5,
      headers,
      request: (i) => ({ body: JSON.stringify({ roomKey: `max-${i % ROOMS}`, engine: 'bbb' }) }),
    });
    const targetRate = Math.max(1, Math.floor(max.requestsPerSecond / 2));
    log(`   max join rate ${max.requestsPerSecond}/s; soaking at ${targetRate}/s for ${minutes} min`);

    const nodeOf = new Map<string, string>();
    const byStatus: Record<string, number> = {};
    let requests = 0;
    let noAnswer = 0;
    let moves = 0;
    const place = async (roomKey: string) => {
      requests++;
      try {
        const res = await fetch(`${gw}/api/ops/placements`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ roomKey, engine: 'bbb' }),
          signal: AbortSignal.timeout(10_000),
        });
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
        const body = (await res.json()) as { nodeId?: string; outcome?: string };
        if (res.ok && body.nodeId) {
          if (body.outcome === 'moved') moves++;
          nodeOf.set(roomKey, body.nodeId);
        }
      } catch {
        noAnswer++;
      }
    };

    const rss: Record<string, number[]> = {};
    const sampleRss = () => {
      for (const [name, p] of Object.entries(procs)) {
        const kb = /VmRSS:\s+(\d+) kB/.exec(safeRead(`/proc/${p.child.pid}/status`))?.[1];
        if (kb) (rss[name] ??= []).push(Math.round(Number(kb) / 1024));
      }
    };
    const faults: { atS: number; fault: string }[] = [];
    const started = Date.now();
    const endAt = started + minutes * 60_000;
    const inject = async (k: number) => {
      const atS = Math.round((Date.now() - started) / 1000);
      const kind = k % 3;
      if (kind === 0) {
        const name = k % 2 === 0 ? 'scheduler-a' : 'scheduler-b';
        procs[name]!.child.kill('SIGKILL');
        faults.push({ atS, fault: `kill -9 ${name}` });
        // The replacement is another process: its RSS is a series of its own.
        if (rss[name]) {
          rss[`${name} (killed at ${atS}s)`] = rss[name];
          delete rss[name];
        }
        procs[name] = await scheduler(name);
      } else if (kind === 1) {
        faults.push({ atS, fault: 'redis restart' });
        await redis.process.restart();
      } else {
        const node = sim.nodes[k % sim.nodes.length]!;
        faults.push({ atS, fault: `${node.id} down for 20 s` });
        await node.setFault({ mode: 'down' });
        setTimeout(() => void node.setFault({ mode: 'none' }), 20_000);
      }
      log(`   ${atS}s: ${faults.at(-1)!.fault}`);
    };
    sampleRss();
    // Faults every minute (a first one after 20 s for short runs); RSS every 20 s.
    const faultTimes = Array.from({ length: minutes }, (_, i) => (i === 0 ? 20_000 : i * 60_000));
    let nextFault = 0;
    let nextRss = started + 20_000;
    let i = 0;
    const inflight = new Set<Promise<void>>();
    while (Date.now() < endAt) {
      const due = Math.floor(((Date.now() - started) / 1000) * targetRate);
      while (i < due) {
        // Mostly returning rooms (sticky), some new ones.
        const key = i % 5 === 0 ? `soak-new-${i}` : `soak-${i % ROOMS}`;
        const p = place(key).finally(() => inflight.delete(p));
        inflight.add(p);
        i++;
      }
      if (nextFault < faultTimes.length && Date.now() - started >= faultTimes[nextFault]!) void inject(nextFault++);
      if (Date.now() >= nextRss) {
        sampleRss();
        nextRss += 20_000;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(inflight);
    await new Promise((r) => setTimeout(r, 1000));

    let lost = 0;
    for (const roomKey of nodeOf.keys()) {
      const res = await fetch(`${gw}/api/ops/rooms/${encodeURIComponent(roomKey)}`, { headers });
      if (res.status !== 200) lost++;
    }
    const slope = Object.fromEntries(Object.entries(rss).map(([k, v]) => [k, slopePerMinute(v, 20)]));
    return {
      minutes,
      maxJoinRate: max.requestsPerSecond,
      targetRate,
      requests,
      answeredByStatus: byStatus,
      noAnswer,
      faults,
      rooms: nodeOf.size,
      lostRooms: lost,
      moves,
      rssMiB: rss,
      rssSlopeMiBPerMin: slope,
    };
  } finally {
    await bus.close();
    for (const p of Object.values(procs)) await p.stop();
    await sim.stop();
    await Promise.all([nats.stop(), redis.stop(), postgres.stop()]);
  }
}

/** Least-squares slope of samples taken every `everyS` seconds, in MiB per minute. */
export function slopePerMinute(ys: number[], everyS: number): number {
  const n = ys.length;
  if (n < 2) return 0;
  const xs = ys.map((_, i) => (i * everyS) / 60);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return Math.round((num / den) * 100) / 100;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
