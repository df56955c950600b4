import { startContextService, type RunningService } from '@ensemble/shared';
import type { LoadCollectorConfig } from './config.js';
import { LoadCollectorModule } from './load-collector.module.js';

export type RunningLoadCollector = RunningService;

/** Boots the load-collector (used by main.ts and by the integration tests). The first cycle starts at once. */
export const startLoadCollector = (
  config: LoadCollectorConfig,
  opts: { logSink?: (line: string) => void } = {},
): Promise<RunningLoadCollector> =>
  startContextService({
    name: 'load-collector',
    module: LoadCollectorModule.forRoot(config, opts.logSink),
    metricsPort: config.METRICS_PORT,
    metricsHost: config.METRICS_HOST,
  });
