import { startContextService, type RunningService } from '@ensemble/shared';
import type { ProvisionerConfig } from './config.js';
import { ProvisionerModule } from './provisioner.module.js';

export type RunningProvisioner = RunningService;

/** Boots the provisioner (used by main.ts and by the tests). */
export const startProvisioner = (
  config: ProvisionerConfig,
  opts: { logSink?: (line: string) => void } = {},
): Promise<RunningProvisioner> =>
  startContextService({
    name: 'provisioner',
    module: ProvisionerModule.forRoot(config, opts.logSink),
    metricsPort: config.METRICS_PORT,
    metricsHost: config.METRICS_HOST,
  });
