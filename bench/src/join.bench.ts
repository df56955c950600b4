import { BbbSim } from '@ensemble/bbb-sim';
import { contracts } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, signQuery, encodeQuery } from '@ensemble/shared';
import { loadSample, freePort, startNats, startPostgres, startRedis } from '@ensemble/testing';
import { drive, type LoadResult } from './load.js';
import { BenchProcess, type MemoryReport } from './processes.js';

const ROOMS = 200;
const OPS_TOKEN = 'bench-ops-token-0123456789';
const BBB_SECRET = 'bench-bbb-secret-0123456789';

export interface JoinFigures {
  connections: number[];
  ensemble: Record<string, LoadResult>;
  bbbJoin: Record<string, LoadResult> | null;
  floor: Record<string, LoadResult>;
  throughputRatio: number;
  p99Ratio: number;
  bbbThroughputRatio: number | null;
  bbbP99Ratio: number | null;
}

/**
 * The real join path (gateway -> NATS -> scheduler -> Redis -> answer), gateway and
 * scheduler as separate processes, against the floor: bare node:http -> NATS -> bare
 * responder -> one EVALSHA, same NATS and Redis, same load generator, same run.
 */
export async function benchJoin(durationS: number, memory: MemoryReport): Promise<JoinFigures> {
  // The scheduler and the gateway own tables (decision 090): a private PostgreSQL, a database each.
  const [nats, redis, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
  const [schedulerDb, gatewayDb] = [await postgres.createDatabase(), await postgres.createDatabase()];
  const sim = await BbbSim.start({ nodes: 4 });
  const procs: BenchProcess[] = [];
  const bus = await NatsBus.connect({
    url: nats.url,
    name: 'bench',
    logger: new Logger('bench', 'error'),
    metrics: new Metrics('bench'),
  });
  try {
    const env = { NATS_URL: nats.url, REDIS_URL: redis.url };
    const schedPort = await freePort();
    const gwPort = await freePort();
    procs.push(
      await BenchProcess.start(
        'scheduler',
        'services/scheduler/dist/main.js',
        { ...env, DATABASE_URL: schedulerDb, METRICS_PORT: String(schedPort) },
        schedPort,
      ),
    );
    const gateway = await BenchProcess.start(
      'gateway-api',
      'services/gateway-api/dist/main.js',
      { ...env, DATABASE_URL: gatewayDb, GATEWAY_PORT: String(gwPort), OPS_TOKEN, BBB_API_SECRET: BBB_SECRET },
      gwPort,
    );
    procs.push(gateway);
    for (const n of sim.nodes) {
      await bus.request(contracts.registerNode, { id: n.id, url: n.baseUrl, secret: n.secret });
      bus.publish(contracts.loadSample, loadSample(n.id));
    }
    const gw = `http://127.0.0.1:${gwPort}`;
    const placements = (c: number) =>
      drive({
        url: `${gw}/api/ops/placements`,
        connections: c,
        durationS,
        headers: { authorization: `Bearer ${OPS_TOKEN}`, 'content-type': 'application/json' },
        request: (i) => ({ body: JSON.stringify({ roomKey: `room-${i % ROOMS}`, engine: 'bbb' }) }),
      });

    const bbbApi = await fetch(`${gw}/bigbluebutton/api`).then(
      (r) => r.text(),
      () => '',
    );
    let joinPaths: string[] | null = null;
    if (bbbApi.includes('<returncode>SUCCESS</returncode>')) {
      joinPaths = [];
      for (let r = 0; r < ROOMS; r++) {
        const create = signQuery(
          'create',
          encodeQuery({ name: `Room ${r}`, meetingID: `bbb-room-${r}` }),
          BBB_SECRET,
          'sha256',
        );
        await fetch(`${gw}/bigbluebutton/api/create?${create}`);
        const join = encodeQuery({ fullName: `User ${r}`, meetingID: `bbb-room-${r}`, role: 'VIEWER' });
        joinPaths.push(`/bigbluebutton/api/join?${signQuery('join', join, BBB_SECRET, 'sha256')}`);
      }
    }
    const bbbJoin = (c: number) =>
      drive({ url: gw, connections: c, durationS, method: 'GET', request: (i) => ({ path: joinPaths![i % ROOMS]! }) });

    const connections = [1, 64];
    const ensemble: Record<string, LoadResult> = {};
    const bbb: Record<string, LoadResult> = {};
    await placements(8); // warm-up: JIT, pools, every room placed once
    for (const c of connections) ensemble[c] = await placements(c);
    if (joinPaths) {
      await bbbJoin(8);
      for (const c of connections) bbb[c] = await bbbJoin(c);
    }
    for (const p of procs) memory.record(p);
    for (const p of procs.splice(0)) await p.stop();

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
    for (const c of connections) floor[c] = await floorRun(c);

    const at64 = (r: Record<string, LoadResult>) => r[64]!;
    return {
      connections,
      ensemble,
      bbbJoin: joinPaths ? bbb : null,
      floor,
      throughputRatio: round(at64(ensemble).requestsPerSecond / at64(floor).requestsPerSecond),
      p99Ratio: round(at64(ensemble).p99Ms / Math.max(at64(floor).p99Ms, 1)),
      bbbThroughputRatio: joinPaths ? round(at64(bbb).requestsPerSecond / at64(floor).requestsPerSecond) : null,
      bbbP99Ratio: joinPaths ? round(at64(bbb).p99Ms / Math.max(at64(floor).p99Ms, 1)) : null,
    };
  } finally {
    for (const p of procs) await p.stop();
    await bus.close();
    await sim.stop();
    await Promise.all([nats.stop(), redis.stop(), postgres.stop()]);
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
