import { Logger, Metrics, NatsBus, contracts, parseConfig } from '@ensemble/shared';
import { schedulerEnvSchema, startScheduler } from '@ensemble/scheduler';
import { loadSample, startNats, startRedis } from '@ensemble/testing';
import { HORIZON_MIN, PARTICIPANTS_PER_UNIT, RAMP_S, makeTrace, type Trace } from './balance/trace.js';
import { joinedAt, scaleliteRule, seedRule, type Strategy } from './balance/strategies.js';

export interface BalanceOutcome {
  maxOverMean: number;
  /** Node-minutes above 90 % of capacity over the hour. */
  nodeMinutesOver90: number;
  peakUtilisation: number;
}

/** Ensemble's rule, run by the real scheduler (Lua in a real Redis), fed the same trace. */
async function ensembleRule(withHints: boolean): Promise<Strategy> {
  return async (trace: Trace) => {
    const [nats, redis] = await Promise.all([startNats(), startRedis()]);
    const config = parseConfig('scheduler', schedulerEnvSchema, {
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      METRICS_PORT: '0',
    });
    const scheduler = await startScheduler(config, { logSink: () => {} });
    const bus = await NatsBus.connect({
      url: nats.url,
      name: 'bench',
      logger: new Logger('bench', 'error'),
      metrics: new Metrics('bench'),
    });
    try {
      for (const n of trace.nodes) {
        await bus.request(contracts.registerNode, {
          id: n.id,
          url: `http://127.0.0.1:9/${n.id}/bigbluebutton/`,
          secret: 'bench-secret',
          loadMultiplier: n.units,
        });
        bus.publish(contracts.loadSample, loadSample(n.id));
      }
      await new Promise((r) => setTimeout(r, 300));
      // Creations and, within the window, the joins that follow them, in time order:
      // joins go through the scheduler as they do through the gateway.
      const events = trace.rooms.flatMap((room, index) => [
        { t: room.arrivesAtS, index, join: false },
        ...Array.from({ length: joinedAt(room, 30) }, (_, k) => ({
          t: room.arrivesAtS + ((k + 1) * RAMP_S) / room.size,
          index,
          join: true,
        })),
      ]);
      events.sort((a, b) => a.t - b.t);
      const chosen: string[] = [];
      for (const e of events) {
        const room = trace.rooms[e.index]!;
        const p = await bus.request(contracts.place, {
          roomKey: room.key,
          engine: 'bbb',
          join: e.join,
          ...(withHints ? { expectedSize: room.hint } : {}),
        });
        if (!e.join) chosen[e.index] = p.nodeId;
      }
      return chosen;
    } finally {
      await bus.close();
      await scheduler.close();
      await Promise.all([nats.stop(), redis.stop()]);
    }
  };
}

function score(trace: Trace, chosen: string[]): BalanceOutcome {
  const index = new Map(trace.nodes.map((n, i) => [n.id, i]));
  const utilAt = (t: number) => {
    const people = trace.nodes.map(() => 0);
    // Load as Ensemble and Scalelite both count it: participants + 1 per live meeting.
    trace.rooms.forEach((r, k) => (people[index.get(chosen[k]!)!]! += joinedAt(r, t) + (t >= r.arrivesAtS ? 1 : 0)));
    return people.map((p, i) => p / (trace.nodes[i]!.units * PARTICIPANTS_PER_UNIT));
  };
  const peak = utilAt(HORIZON_MIN * 60);
  const mean = peak.reduce((a, b) => a + b, 0) / peak.length;
  let over = 0;
  for (let m = 0; m <= HORIZON_MIN; m++) over += utilAt(m * 60).filter((u) => u > 0.9).length;
  return {
    maxOverMean: round(Math.max(...peak) / mean),
    nodeMinutesOver90: over,
    peakUtilisation: round(Math.max(...peak)),
  };
}

export async function benchBalance(seeds: number[]): Promise<Record<string, Record<string, BalanceOutcome>>> {
  const strategies: Record<string, Strategy> = {
    seed: seedRule,
    scalelite: scaleliteRule,
    ensemble: await ensembleRule(true),
    'ensemble-no-hint': await ensembleRule(false),
  };
  const out: Record<string, Record<string, BalanceOutcome>> = {};
  for (const seed of seeds) {
    const trace = makeTrace(seed);
    out[`trace-${seed}`] = {};
    for (const [name, strategy] of Object.entries(strategies))
      out[`trace-${seed}`]![name] = score(trace, await strategy(trace));
  }
  return out;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
