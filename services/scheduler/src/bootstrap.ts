import { startContextService, type RunningService } from '@ensemble/shared';
import type { SchedulerConfig } from './config.js';
import { SchedulerModule } from './scheduler.module.js';

export type RunningScheduler = RunningService;

/** Boots the scheduler (used by main.ts and by the integration tests). */
export const startScheduler = (
  config: SchedulerConfig,
  opts: { logSink?: (line: string) => void } = {},
): Promise<RunningScheduler> =>
  startContextService({
    name: 'scheduler',
    module: SchedulerModule.forRoot(config, opts.logSink),
    metricsPort: config.METRICS_PORT,
    metricsHost: config.METRICS_HOST,
  });
