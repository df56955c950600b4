import type { BbbSim } from '@ensemble/bbb-sim';
import { contracts } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus } from '@ensemble/shared';
import { freePort, loadSample } from '@ensemble/testing';
import { BenchProcess, root } from './processes.js';

export const OPS_TOKEN = 'bench-ops-token-0123456789';
export const BBB_SECRET = 'bench-bbb-secret-0123456789';

/** A scheduler and a gateway of one build, the sim's nodes registered and sampled once. */
export interface ServiceStack {
  procs: BenchProcess[];
  bus: NatsBus;
  /** The gateway's base URL. */
  gateway: string;
}

/**
 * Starts the scheduler and the gateway as separate processes (from `from`'s build: this
 * checkout's, or an earlier version's for `--baseline`), each with its database (decision
 * 090), and registers the sim's nodes through the bus.
 */
export async function startServices(o: {
  natsUrl: string;
  redisUrl: string;
  databases: { scheduler: string; gateway: string };
  sim: BbbSim;
  from?: string;
}): Promise<ServiceStack> {
  const from = o.from ?? root;
  const env = { NATS_URL: o.natsUrl, REDIS_URL: o.redisUrl };
  const schedPort = await freePort();
  const gwPort = await freePort();
  const procs = [
    await BenchProcess.start(
      'scheduler',
      'services/scheduler/dist/main.js',
      { ...env, DATABASE_URL: o.databases.scheduler, METRICS_PORT: String(schedPort) },
      schedPort,
      from,
    ),
  ];
  procs.push(
    await BenchProcess.start(
      'gateway-api',
      'services/gateway-api/dist/main.js',
      {
        ...env,
        DATABASE_URL: o.databases.gateway,
        GATEWAY_PORT: String(gwPort),
        OPS_TOKEN,
        BBB_API_SECRET: BBB_SECRET,
      },
      gwPort,
      from,
    ),
  );
  const bus = await NatsBus.connect({
    url: o.natsUrl,
    name: 'bench',
    logger: new Logger('bench', 'error'),
    metrics: new Metrics('bench'),
  });
  for (const n of o.sim.nodes) {
    await bus.request(contracts.registerNode, { id: n.id, url: n.baseUrl, secret: n.secret });
    bus.publish(contracts.loadSample, loadSample(n.id));
  }
  return { procs, bus, gateway: `http://127.0.0.1:${gwPort}` };
}
