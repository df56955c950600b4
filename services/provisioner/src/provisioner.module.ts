import { Module, type DynamicModule } from '@nestjs/common';
import { CoreModule } from '@ensemble/shared';
import type { ProvisionerConfig } from './config.js';

/**
 * Skeleton: connects to NATS and Redis and reports health. Terraform runs and
 * the autoscale policy (`ensemble.provision.*`) come with the provisioner issue.
 */
@Module({})
export class ProvisionerModule {
  static forRoot(config: ProvisionerConfig, logSink?: (line: string) => void): DynamicModule {
    return {
      module: ProvisionerModule,
      imports: [CoreModule.forRoot({ service: 'provisioner', config, ...(logSink ? { logSink } : {}) })],
    };
  }
}
