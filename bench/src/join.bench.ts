import { BbbSim } from '@ensemble/bbb-sim';
import { signQuery, encodeQuery, type NatsBus } from '@ensemble/shared';
import { freePort, startNats, startPostgres, startRedis, type TestServer } from '@ensemble/testing';
import { drive, type LoadResult } from './load.js';
import { BenchProcess, root, type MemoryReport } from './processes.js';
import { BBB_SECRET, OPS_TOKEN, startServices } from './service-stack.js';

const ROOMS = 200;

export interface JoinFigures {
  connections: number[];
  ensemble: Record<string, LoadResult>;
  bbbJoin: Record<string, LoadResult> | null;
  floor: Record<string, LoadResult>;
  throughputRatio: number;
  p99Ratio: number;
  bbbThroughputRatio: number | null;
  bbbP99Ratio: number | null;
  /** The same paths measured on an earlier version's build in the same run (`--baseline REF`). */
  baseline: BaselineFigures | null;
}

export interface BaselineFigures {
  ref: string;
  /** Turns measured of each version (the figures are the medians). */
  rounds: number;
  ensemble: Record<string, LoadResult>;
  bbbJoin: Record<string, LoadResult> | null;
  /** This version's figure over the baseline's, at 64 connections. */
  throughputRatio: number;
  p99Ratio: number;
  bbbThroughputRatio: number | null;
  bbbP99Ratio: number | null;
}

/** Where an earlier version's build is (`scripts/bench.mjs --baseline REF` makes it). */
export interface Baseline {
  ref: string;
  root: string;
}

const CONNECTIONS = [1, 64];

interface StackFigures {
  ensemble: Record<string, LoadResult>;
  bbbJoin: Record<string, LoadResult> | null;
}

/**
 * The real join path (gateway -> NATS -> scheduler -> Redis -> answer), gateway and
 * scheduler as separate processes, against the floor: bare node:http -> NATS -> bare
 * responder -> one EVALSHA, same NATS and Redis, same load generator, same run. With a
 * baseline, that version's stack runs beside this one (its own NATS and Redis) and the two
 * are measured in turns, `BASELINE_ROUNDS` times, each figure the median of its turns: a
 * neighbour's load on a shared machine then weighs on both alike.
 */
export async function benchJoin(durationS: number, memory: MemoryReport, baseline?: Baseline): Promise<JoinFigures> {
  const [nats, redis, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
  const sim = await BbbSim.start({ nodes: 4 });
  const procs: BenchProcess[] = [];
  const stacks: JoinStack[] = [];
  const extra: TestServer[] = [];
  try {
    const env = { NATS_URL: nats.url, REDIS_URL: redis.url };
    // The scheduler and the gateway own tables (decision 090): a database each.
    const databases = async () => ({
      scheduler: await postgres.createDatabase(),
      gateway: await postgres.createDatabase(),
    });
    const current = await JoinStack.start({
      root,
      natsUrl: nats.url,
      redisUrl: redis.url,
      databases: await databases(),
      sim,
      durationS,
      meetingPrefix: 'bbb-room',
    });
    stacks.push(current);
    let base: JoinStack | null = null;
    if (baseline) {
      // Its own NATS and Redis: the two versions' subjects and keys must not meet.
      const [baseNats, baseRedis] = await Promise.all([startNats(), startRedis()]);
      extra.push(baseNats, baseRedis);
      base = await JoinStack.start({
        root: baseline.root,
        natsUrl: baseNats.url,
        redisUrl: baseRedis.url,
        databases: await databases(),
        sim,
        durationS,
        meetingPrefix: 'base-room',
      });
      stacks.push(base);
    }
    const rounds = base ? BASELINE_ROUNDS : 1;
    const runs = { current: [] as StackFigures[], base: [] as StackFigures[] };
    for (let r = 0; r < rounds; r++) {
      runs.current.push(await current.measure());
      if (base) runs.base.push(await base.measure());
    }
    current.recordMemory(memory);
    for (const s of stacks.splice(0)) await s.stop();
    const mine = median(runs.current);
    const theirs = base ? median(runs.base) : null;

    const floorPort = await freePort();
    procs.push(await BenchProcess.start('floor-responder', 'bench/dist/floor/floor-responder.js', env));
    await new Promise((r) => setTimeout(r, 500));
    procs.push(
      await BenchProcess.start(
        'floor-http',
        'bench/dist/floor/floor-http.js',
        { ...env, PORT: String(floorPort) },
        floorPort,
      ),
    );
    const floorRun = (c: number) =>
      drive({
        url: `http://127.0.0.1:${floorPort}/`,
        connections: c,
        durationS,
        headers: { 'content-type': 'application/json' },
        request: (i) => ({ body: JSON.stringify({ roomKey: `room-${i % ROOMS}` }) }),
      });
    const floor: Record<string, LoadResult> = {};
    await floorRun(8);
    for (const c of CONNECTIONS) floor[c] = await floorRun(c);

    return {
      connections: CONNECTIONS,
      ensemble: mine.ensemble,
      bbbJoin: mine.bbbJoin,
      floor,
      ...ratios(mine, { ensemble: floor, bbbJoin: mine.bbbJoin ? floor : null }),
      baseline: theirs && baseline ? { ref: baseline.ref, rounds, ...theirs, ...ratios(mine, theirs) } : null,
    };
  } finally {
    for (const s of stacks) await s.stop();
    for (const p of procs) await p.stop();
    await sim.stop();
    await Promise.all([nats.stop(), redis.stop(), postgres.stop(), ...extra.map((x) => x.stop())]);
  }
}

/** Turns of this version and the baseline, each turn every path at every connection count. */
const BASELINE_ROUNDS = 3;

/** One version's scheduler and gateway (from `root`'s build), ready to be measured. */
class JoinStack {
  private constructor(
    private readonly procs: BenchProcess[],
    private readonly bus: NatsBus,
    private readonly gw: string,
    private readonly joinPaths: string[] | null,
    private readonly durationS: number,
  ) {}

  static async start(o: {
    root: string;
    natsUrl: string;
    redisUrl: string;
    databases: { scheduler: string; gateway: string };
    sim: BbbSim;
    durationS: number;
    meetingPrefix: string;
  }): Promise<JoinStack> {
    const { procs, bus, gateway: gw } = await startServices({ ...o, from: o.root });
    const bbbApi = await fetch(`${gw}/bigbluebutton/api`).then(
      (r) => r.text(),
      () => '',
    );
    let joinPaths: string[] | null = null;
    if (bbbApi.includes('<returncode>SUCCESS</returncode>')) {
      joinPaths = [];
      for (let r = 0; r < ROOMS; r++) {
        const meetingID = `${o.meetingPrefix}-${r}`;
        const create = signQuery('create', encodeQuery({ name: `Room ${r}`, meetingID }), BBB_SECRET, 'sha256');
        await fetch(`${gw}/bigbluebutton/api/create?${create}`);
        const join = encodeQuery({ fullName: `User ${r}`, meetingID, role: 'VIEWER' });
        joinPaths.push(`/bigbluebutton/api/join?${signQuery('join', join, BBB_SECRET, 'sha256')}`);
      }
    }
    const stack = new JoinStack(procs, bus, gw, joinPaths, o.durationS);
    await stack.placements(8); // warm-up: JIT, pools, every room placed once
    if (joinPaths) await stack.bbbJoin(8);
    return stack;
  }

  private placements(c: number): Promise<LoadResult> {
    return drive({
      url: `${this.gw}/api/ops/placements`,
      connections: c,
      durationS: this.durationS,
      headers: { authorization: `Bearer ${OPS_TOKEN}`, 'content-type': 'application/json' },
      request: (i) => ({ body: JSON.stringify({ roomKey: `room-${i % ROOMS}`, engine: 'bbb' }) }),
    });
  }

  private bbbJoin(c: number): Promise<LoadResult> {
    const paths = this.joinPaths!;
    return drive({
      url: this.gw,
      connections: c,
      durationS: this.durationS,
      method: 'GET',
      request: (i) => ({ path: paths[i % ROOMS]! }),
    });
  }

  /** Placements, then BBB API joins, at each connection count. */
  async measure(): Promise<StackFigures> {
    const ensemble: Record<string, LoadResult> = {};
    const bbb: Record<string, LoadResult> = {};
    for (const c of CONNECTIONS) ensemble[c] = await this.placements(c);
    if (this.joinPaths) for (const c of CONNECTIONS) bbb[c] = await this.bbbJoin(c);
    return { ensemble, bbbJoin: this.joinPaths ? bbb : null };
  }

  recordMemory(memory: MemoryReport): void {
    for (const p of this.procs) memory.record(p);
  }

  async stop(): Promise<void> {
    for (const p of this.procs.splice(0)) await p.stop();
    await this.bus.close().catch(() => {});
  }
}

/** Per path and connection count, the turn with the median throughput. */
function median(runs: StackFigures[]): StackFigures {
  const pick = (rs: Record<string, LoadResult>[]) => {
    const out: Record<string, LoadResult> = {};
    for (const c of CONNECTIONS) {
      const sorted = rs.map((r) => r[c]!).sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
      out[c] = sorted[Math.floor(sorted.length / 2)]!;
    }
    return out;
  };
  const bbb = runs.every((r) => r.bbbJoin) ? pick(runs.map((r) => r.bbbJoin!)) : null;
  return { ensemble: pick(runs.map((r) => r.ensemble)), bbbJoin: bbb };
}

/** `a` over `b` at 64 connections: throughput and p99. */
function ratios(a: StackFigures, b: StackFigures) {
  const at64 = (r: Record<string, LoadResult>) => r[64]!;
  const both = a.bbbJoin && b.bbbJoin ? { a: a.bbbJoin, b: b.bbbJoin } : null;
  return {
    throughputRatio: round(at64(a.ensemble).requestsPerSecond / at64(b.ensemble).requestsPerSecond),
    p99Ratio: round(at64(a.ensemble).p99Ms / Math.max(at64(b.ensemble).p99Ms, 1)),
    bbbThroughputRatio: both ? round(at64(both.a).requestsPerSecond / at64(both.b).requestsPerSecond) : null,
    bbbP99Ratio: both ? round(at64(both.a).p99Ms / Math.max(at64(both.b).p99Ms, 1)) : null,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
