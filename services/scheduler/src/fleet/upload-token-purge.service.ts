import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, PeriodicTask, type Logger } from '@ensemble/shared';
import { NodesRepository } from './nodes.repository.js';

/** How often the retired upload tokens whose grace is over are deleted. */
const PURGE_EVERY_MS = 3_600_000;

/**
 * Deletes removed nodes' upload tokens once their grace is over (decision 107). Housekeeping
 * only: a token past its grace is refused whether or not its row is gone yet. Every scheduler
 * instance runs it; two deleting the same rows do no harm.
 */
@Injectable()
export class UploadTokenPurgeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PeriodicTask;

  constructor(
    private readonly nodes: NodesRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.loop = new PeriodicTask({
      intervalMs: () => PURGE_EVERY_MS,
      run: async () => {
        const purged = await this.nodes.purgeRetiredTokens();
        if (purged > 0) this.logger.info('retired upload tokens purged', { purged });
      },
      onError: (error) => this.logger.warn('retired upload token purge failed', { error: (error as Error).message }),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }
}
