import { Module, type DynamicModule } from '@nestjs/common';
import { CoreModule } from '@ensemble/shared';
import { AccountsModule } from './accounts/accounts.module.js';
import { IdentityModule } from './identity/identity.module.js';
import { BbbApiModule } from './bbb-api/bbb-api.module.js';
import { CallbacksModule } from './callbacks/callbacks.module.js';
import type { GatewayConfig } from './config.js';
import { HealthController } from './health/health.controller.js';
import { gatewayMigrations } from './db/migrations/index.js';
import { JoinModule } from './join/join.module.js';
import { NatsRequestModule } from './nats/nats-request.module.js';
import { OpsModule } from './ops/ops.module.js';
import { PlaybackModule } from './playback/playback.module.js';
import { RecordingsModule } from './recordings/recordings.module.js';
import { RoomsModule } from './rooms/rooms.module.js';
import { AdminModule } from './roles/admin.module.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { WebController } from './web/web.controller.js';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, logSink?: (line: string) => void): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        CoreModule.forRoot({
          service: 'gateway-api',
          config,
          database: { migrations: gatewayMigrations },
          ...(logSink ? { logSink } : {}),
        }),
        NatsRequestModule,
        TenantsModule,
        AccountsModule,
        IdentityModule,
        RoomsModule,
        AdminModule,
        JoinModule,
        BbbApiModule,
        CallbacksModule,
        OpsModule,
        RecordingsModule,
        PlaybackModule,
      ],
      controllers: [HealthController, WebController],
    };
  }
}
