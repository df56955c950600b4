import { contextServiceStarter, type RunningService } from '@ensemble/shared';
import type { LoadCollectorConfig } from './config.js';
import { LoadCollectorModule } from './load-collector.module.js';

export type RunningLoadCollector = RunningService;

/** Boots the load-collector (used by main.ts and by the integration tests). The first cycle starts at once. */
export const startLoadCollector = contextServiceStarter<LoadCollectorConfig>('load-collector', (config, logSink) =>
  LoadCollectorModule.forRoot(config, logSink),
);
