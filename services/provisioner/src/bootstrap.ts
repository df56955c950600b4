import { contextServiceStarter, type RunningService } from '@ensemble/shared';
import type { ProvisionerConfig } from './config.js';
import { ProvisionerModule } from './provisioner.module.js';

export type RunningProvisioner = RunningService;

/** Boots the provisioner (used by main.ts and by the tests). */
export const startProvisioner = contextServiceStarter<ProvisionerConfig>('provisioner', (config, logSink) =>
  ProvisionerModule.forRoot(config, logSink),
);
