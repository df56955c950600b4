import { Module, type DynamicModule } from '@nestjs/common';
import { CoreModule } from '@ensemble/shared';
import type { SchedulerConfig } from './config.js';
import { schedulerMigrations } from './db/migrations/index.js';
import { FleetModule } from './fleet/fleet.module.js';
import { PlacementModule } from './placement/placement.module.js';

/** The scheduler: the fleet and placement contexts over one core (config, logs, metrics, NATS, Redis, PostgreSQL). */
@Module({})
export class SchedulerModule {
  static forRoot(config: SchedulerConfig, logSink?: (line: string) => void): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [
        CoreModule.forRoot({
          service: 'scheduler',
          config,
          database: { migrations: schedulerMigrations },
          ...(logSink ? { logSink } : {}),
        }),
        FleetModule,
        PlacementModule,
      ],
    };
  }
}
