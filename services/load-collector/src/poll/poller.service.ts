import { setMaxListeners } from 'node:events';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { contracts, type PollTarget } from '@ensemble/contracts';
import { CONFIG, LOGGER, NATS_BUS, PeriodicTask, type Logger, type NatsBus } from '@ensemble/shared';
import type { LoadCollectorConfig } from '../config.js';
import { CollectorMetrics } from '../collector.metrics.js';
import { BbbPollClient } from '../bbb/bbb-poll.client.js';
import { PollCycle } from './poll-cycle.js';
import { targetsOfShard } from '../shard/node-shard.js';

/**
 * The poll loop: every POLL_INTERVAL_S ask the scheduler what to poll, poll it,
 * publish. Cycles never overlap: one that runs long pushes the next one back.
 * Shutdown clears the timer, aborts in-flight polls and waits for the cycle.
 */
@Injectable()
export class PollerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private readonly cycle: PollCycle;
  private readonly loop: PeriodicTask;
  private stopped = false;
  private targetsFailing = false;

  constructor(
    @Inject(CONFIG) private readonly config: LoadCollectorConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    private readonly metrics: CollectorMetrics,
    private readonly client: BbbPollClient,
  ) {
    this.logger = logger.child({ component: 'poller' });
    this.loop = new PeriodicTask({
      intervalMs: () => this.config.POLL_INTERVAL_S * 1000,
      run: (signal) => this.tick(signal),
      onError: (error) => this.logger.error('poll cycle failed', { error }),
    });
    // Every poll in flight listens for shutdown: as many listeners as the concurrency allows.
    setMaxListeners(config.POLL_CONCURRENCY + 16, this.loop.signal);
    this.cycle = new PollCycle({
      client,
      publish: (sample) => this.bus.publish(contracts.loadSample, sample),
      concurrency: config.POLL_CONCURRENCY,
      metrics,
      onPublishError: (nodeId, error) => this.logger.error('sample not published', { nodeId, error }),
    });
  }

  onApplicationBootstrap(): void {
    this.logger.info('poller started', {
      intervalS: this.config.POLL_INTERVAL_S,
      concurrency: this.config.POLL_CONCURRENCY,
      shardIndex: this.config.COLLECTOR_SHARD_INDEX,
      shardCount: this.config.COLLECTOR_SHARD_COUNT,
    });
    if (this.config.POLL_TIMEOUT_MS >= this.config.POLL_INTERVAL_S * 1000) {
      // Cycles do not overlap: a node answering at the deadline would delay every other node's next poll.
      this.logger.warn('POLL_TIMEOUT_MS is not below the poll interval: one slow node delays the whole fleet', {
        timeoutMs: this.config.POLL_TIMEOUT_MS,
        intervalS: this.config.POLL_INTERVAL_S,
      });
    }
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.loop.stop();
    await this.client.close();
    this.logger.info('poller stopped');
  }

  private async tick(signal: AbortSignal): Promise<void> {
    const all = await this.fetchTargets(signal);
    // Several collectors split the fleet: each polls only the nodes that hash to its shard.
    const targets =
      all &&
      targetsOfShard(all, { index: this.config.COLLECTOR_SHARD_INDEX, count: this.config.COLLECTOR_SHARD_COUNT });
    if (targets && !signal.aborted) {
      const stats = await this.cycle.run(targets, signal);
      const level = stats.failed > 0 ? 'info' : 'debug';
      this.logger[level]('poll cycle done', { ...stats, targets: targets.length });
    }
  }

  /** The scheduler's list, or undefined (logged once per outage) when it cannot be had: this cycle is skipped. */
  private async fetchTargets(signal: AbortSignal): Promise<PollTarget[] | undefined> {
    try {
      const { targets } = await untilAborted(
        this.bus.request(contracts.pollTargets, {}, { timeoutMs: this.config.TARGETS_TIMEOUT_MS }),
        signal,
      );
      this.metrics.cycles.inc({ outcome: 'ok' });
      if (this.targetsFailing) this.logger.info('poll targets available again', { targets: targets.length });
      this.targetsFailing = false;
      return targets;
    } catch (error) {
      if (signal.aborted) return undefined;
      this.metrics.cycles.inc({ outcome: 'skipped' });
      if (!this.targetsFailing) this.logger.warn('poll targets unavailable, skipping cycle', { error });
      else this.logger.debug('poll targets still unavailable', { error });
      this.targetsFailing = true;
      return undefined;
    }
  }
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (so shutdown need not wait out a request). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new Error('aborted'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
