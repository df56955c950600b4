import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CONFIG, LOGGER, PeriodicTask, type Logger } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { RecordingStorage } from './recording-storage.client.js';
import { RecordingsRepository } from './recordings.repository.js';
import { RECORDING_STORAGE } from './recordings.tokens.js';

/** `recordings/<record id>/<format>/<digest>/`: the unit the index points at. */
const PREFIX = /^(recordings\/[^/]+\/[^/]+\/[^/]+\/)/;

/**
 * Removes what no index row points at once it is older than RECORDING_SWEEP_GRACE_S: staged
 * uploads left by a crash, prefixes unpacked but never committed, versions replaced by a
 * rebuild. The grace keeps an upload in progress (its prefix not committed yet) safe. Every
 * instance sweeps; deleting twice is harmless.
 */
@Injectable()
export class RecordingsSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    @Inject(RECORDING_STORAGE) private readonly storage: RecordingStorage | null,
    private readonly recordings: RecordingsRepository,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask({
      intervalMs: () => config.RECORDING_SWEEP_INTERVAL_S * 1000,
      run: () => this.sweep().then(() => undefined),
      onError: (e) => this.logger.warn('sweeping recordings storage failed', { error: (e as Error).message }),
    });
  }

  onModuleInit(): void {
    if (this.storage) this.task.start(this.config.RECORDING_SWEEP_INTERVAL_S * 1000);
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
    this.storage?.destroy();
  }

  /** One sweep, `now` given by tests; the keys deleted. */
  async sweep(now = Date.now()): Promise<number> {
    const storage = this.storage;
    if (!storage) return 0;
    const before = now - this.config.RECORDING_SWEEP_GRACE_S * 1000;
    const old = (o: { LastModified?: Date | undefined }) => (o.LastModified?.getTime() ?? now) < before;
    const doomed: string[] = [];
    for await (const o of storage.list('staging/')) if (o.Key && old(o)) doomed.push(o.Key);

    // Per prefix: its keys, and whether any object is recent (a version being unpacked).
    const prefixes = new Map<string, { keys: string[]; recent: boolean }>();
    for await (const o of storage.list('recordings/')) {
      const p = o.Key && PREFIX.exec(o.Key)?.[1];
      if (!p) continue;
      const entry = prefixes.get(p) ?? { keys: [], recent: false };
      entry.keys.push(o.Key!);
      entry.recent ||= !old(o);
      prefixes.set(p, entry);
    }
    const candidates = [...prefixes].filter(([, e]) => !e.recent).map(([p]) => p);
    for (let i = 0; i < candidates.length; i += 500) {
      const batch = candidates.slice(i, i + 500);
      const kept = await this.recordings.referenced(batch);
      for (const p of batch) if (!kept.has(p)) doomed.push(...prefixes.get(p)!.keys);
    }
    await storage.delete(doomed);
    if (doomed.length > 0) this.logger.info('unreferenced recording objects removed', { count: doomed.length });
    return doomed.length;
  }
}
