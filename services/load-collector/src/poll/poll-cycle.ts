import { type LoadSample, type PollTarget } from '@ensemble/contracts';
import { mapLimit } from '@ensemble/shared';
import type { BbbPollClient, PollResult } from '../bbb/bbb-poll.client.js';
import { BbbFailedError, BbbParseError, parseGetMeetings, type MeetingCounts } from '../bbb/get-meetings.parser.js';
import type { CollectorMetrics } from '../collector.metrics.js';

export interface CycleStats {
  durationMs: number;
  polled: number;
  ok: number;
  failed: number;
}

export interface PollCycleDeps {
  client: Pick<BbbPollClient, 'poll'>;
  /** Called once per node as soon as its sample is ready. */
  publish: (sample: LoadSample) => void;
  concurrency: number;
  metrics?: CollectorMetrics;
  now?: () => number;
  /** Reports a sample that could not be published (it should never happen: samples are built valid). */
  onPublishError?: (nodeId: string, error: unknown) => void;
}

const ZERO: MeetingCounts = {
  meetings: 0,
  participants: 0,
  moderators: 0,
  videoStreams: 0,
  voiceParticipants: 0,
  largestMeeting: 0,
};

/**
 * One pass over the fleet: poll every BBB target with at most `concurrency`
 * requests in flight, turn each answer into a LoadSample and publish it at once,
 * so one slow node delays nobody else's sample.
 */
export class PollCycle {
  private readonly now: () => number;

  constructor(private readonly deps: PollCycleDeps) {
    this.now = deps.now ?? Date.now;
  }

  async run(targets: readonly PollTarget[], signal?: AbortSignal): Promise<CycleStats> {
    const started = performance.now();
    // Jitsi nodes are measured through Prometheus, not getMeetings.
    const bbb = targets.filter((t) => t.engine === 'bbb');
    const stats: CycleStats = { durationMs: 0, polled: 0, ok: 0, failed: 0 };
    await mapLimit(bbb, this.deps.concurrency, async (target) => {
      if (signal?.aborted) return;
      const sample = await this.pollOne(target, signal);
      // Once shutdown starts nothing more goes out (a poll cut short says nothing about the node anyway).
      if (signal?.aborted) return;
      stats.polled++;
      if (sample.reachable) stats.ok++;
      else stats.failed++;
      this.publish(sample);
    });
    stats.durationMs = Math.round(performance.now() - started);
    this.deps.metrics?.cycleSeconds.observe(stats.durationMs / 1000);
    if (!signal?.aborted) {
      this.deps.metrics?.nodesPolled.set({ outcome: 'ok' }, stats.ok);
      this.deps.metrics?.nodesPolled.set({ outcome: 'failed' }, stats.failed);
    }
    return stats;
  }

  /** Never throws: a failure of any kind becomes an unreachable sample with its reason. */
  async pollOne(target: PollTarget, signal?: AbortSignal): Promise<LoadSample> {
    const at = this.now();
    const result: PollResult = await this.deps.client.poll(target, signal);
    const outcome = toOutcome(result);
    const m = this.deps.metrics;
    m?.pollSeconds.observe({ engine: target.engine, outcome: outcome.ok ? 'ok' : 'error' }, result.latencyMs / 1000);
    if (!outcome.ok) m?.pollFailures.inc({ engine: target.engine, reason: outcome.reason });
    return {
      nodeId: target.nodeId,
      engine: 'bbb',
      at,
      reachable: outcome.ok,
      latencyMs: result.latencyMs,
      ...(outcome.ok ? outcome.counts : ZERO),
      cpu: null,
      error: outcome.ok ? null : outcome.error,
    };
  }

  private publish(sample: LoadSample): void {
    try {
      this.deps.publish(sample);
    } catch (e) {
      this.deps.onPublishError?.(sample.nodeId, e);
    }
  }
}

type Outcome =
  | { ok: true; counts: MeetingCounts }
  /** `error` goes into the sample (may name BBB's messageKey); `reason` is the bounded metric label. */
  | { ok: false; error: string; reason: string };

function toOutcome(result: PollResult): Outcome {
  if (!result.ok) return { ok: false, error: result.error, reason: result.error };
  try {
    return { ok: true, counts: parseGetMeetings(result.xml) };
  } catch (e) {
    if (e instanceof BbbFailedError) {
      const key = e.messageKey.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 64) || 'unknown';
      return { ok: false, error: `bbb-failed:${key}`, reason: 'bbb-failed' };
    }
    if (e instanceof BbbParseError) return { ok: false, error: 'bad-xml', reason: 'bad-xml' };
    return { ok: false, error: 'internal', reason: 'internal' };
  }
}
