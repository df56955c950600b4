import { contextServiceStarter, type RunningService } from '@ensemble/shared';
import type { SchedulerConfig } from './config.js';
import { SchedulerModule } from './scheduler.module.js';

export type RunningScheduler = RunningService;

/** Boots the scheduler (used by main.ts and by the integration tests). */
export const startScheduler = contextServiceStarter<SchedulerConfig>('scheduler', (config, logSink) =>
  SchedulerModule.forRoot(config, logSink),
);
