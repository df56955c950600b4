import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LOGGER, type Logger } from '@ensemble/shared';
import { CreateParamsRepository, PURGE_BATCH } from './create-params.repository.js';

/** How often each gateway deletes expired create calls. */
const PURGE_EVERY_MS = 10 * 60_000;
/** Batches per round at most: a large backlog is worked off over several rounds. */
const MAX_BATCHES = 20;

/**
 * Deletes the create calls of meetings nobody created or joined for BBB_API_MEETING_TTL_S
 * (the TTL Redis kept before, decision 092). Every instance purges; batches skip rows
 * another one holds. PostgreSQL away: one warning, the next round tries again.
 */
@Injectable()
export class CreateParamsPurge implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly repository: CreateParamsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.running ??= this.round().finally(() => (this.running = undefined));
    }, PURGE_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One round: batches until one comes back short. The rows deleted. */
  async round(): Promise<number> {
    let total = 0;
    try {
      for (let i = 0; i < MAX_BATCHES; i++) {
        const n = await this.repository.purgeExpired();
        total += n;
        if (n < PURGE_BATCH) break;
      }
      if (total > 0) this.logger.info('expired create params purged', { count: total });
    } catch (e) {
      this.logger.warn('purging expired create params failed', { error: (e as Error).message });
    }
    return total;
  }
}
