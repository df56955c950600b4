import { contracts } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, parseConfig } from '@ensemble/shared';
import { schedulerEnvSchema, startScheduler } from '@ensemble/scheduler';
import { loadSample, startNats, startPostgres, startRedis } from '@ensemble/testing';
import { HORIZON_MIN, PARTICIPANTS_PER_UNIT, RAMP_S, makeTrace, type Trace } from './balance/trace.js';
import { joinedAt, scaleliteRule, seedRule, type Strategy } from './balance/strategies.js';

export interface BalanceOutcome {
  maxOverMean: number;
  /** Node-minutes above 90 % of capacity over the hour. */
  nodeMinutesOver90: number;
  peakUtilisation: number;
}

/**
 * What Ensemble knows of a room's size: the trace's rough hint, the exact size, nothing,
 * or nothing but what it saw of the room's meeting a week earlier (decision 053).
 */
type SizeHints = 'rough' | 'exact' | 'none' | 'last-week';

/** Ensemble's rule, run by the real scheduler (Lua in a real Redis), fed the same trace. */
async function ensembleRule(hints: SizeHints): Promise<Strategy> {
  return async (trace: Trace) => {
    const [nats, redis, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
    const config = parseConfig('scheduler', schedulerEnvSchema, {
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      DATABASE_URL: postgres.url,
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
      await settle();
      if (hints === 'last-week') await meetLastWeek(bus, trace);
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
          ...(hints === 'rough' || hints === 'exact'
            ? { expectedSize: hints === 'exact' ? room.size : room.hint }
            : {}),
        });
        if (!e.join) chosen[e.index] = p.nodeId;
      }
      return chosen;
    } finally {
      await bus.close();
      await scheduler.close();
      await Promise.all([nats.stop(), redis.stop(), postgres.stop()]);
    }
  };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

/**
 * Last week's meetings of the same rooms, through the real paths: each room placed,
 * a poll of each node listing its meetings at their peak, then `end`. The scheduler
 * remembers each room's peak; the fleet is idle again before the trace starts.
 */
async function meetLastWeek(bus: NatsBus, trace: Trace): Promise<void> {
  const byNode = new Map<string, Array<{ meetingID: string; participants: number }>>();
  for (const room of trace.rooms) {
    const { nodeId } = await bus.request(contracts.place, { roomKey: room.key, engine: 'bbb' });
    byNode.set(nodeId, [...(byNode.get(nodeId) ?? []), { meetingID: room.key, participants: room.lastWeek }]);
  }
  for (const [nodeId, runningMeetings] of byNode) {
    const participants = runningMeetings.reduce((sum, m) => sum + m.participants, 0);
    bus.publish(
      contracts.loadSample,
      loadSample(nodeId, { meetings: runningMeetings.length, participants, runningMeetings }),
    );
  }
  await settle();
  for (const room of trace.rooms) await bus.request(contracts.end, { roomKey: room.key });
  for (const n of trace.nodes) bus.publish(contracts.loadSample, loadSample(n.id));
  await settle();
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
    ensemble: await ensembleRule('rough'),
    'ensemble-exact-hint': await ensembleRule('exact'),
    'ensemble-no-hint': await ensembleRule('none'),
    'ensemble-last-week': await ensembleRule('last-week'),
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

export interface BalanceSummary {
  /** The worst trace's max/mean. */
  maxOverMean: number;
  meanMaxOverMean: number;
  /** Traces whose max/mean is within the target (1.15). */
  tracesWithinTarget: number;
  /** Traces where this strategy's max/mean is above Scalelite's. */
  tracesWorseThanScalelite: number;
}

export const BALANCE_TARGET = 1.15;

/** Per strategy, over all traces: the worst and mean max/mean, and how many traces meet the target. */
export function summarizeBalance(
  byTrace: Record<string, Record<string, BalanceOutcome>>,
): Record<string, BalanceSummary> {
  const traces = Object.values(byTrace);
  const names = Object.keys(traces[0] ?? {});
  return Object.fromEntries(
    names.map((name) => {
      const xs = traces.map((t) => t[name]!.maxOverMean);
      return [
        name,
        {
          maxOverMean: Math.max(...xs),
          meanMaxOverMean: round(xs.reduce((a, b) => a + b, 0) / xs.length),
          tracesWithinTarget: xs.filter((x) => x <= BALANCE_TARGET).length,
          tracesWorseThanScalelite: traces.filter((t) => t[name]!.maxOverMean > t.scalelite!.maxOverMean).length,
        },
      ];
    }),
  );
}

const round = (x: number) => Math.round(x * 1000) / 1000;
