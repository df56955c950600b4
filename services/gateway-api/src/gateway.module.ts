import { Module, type DynamicModule } from '@nestjs/common';
import { CoreModule } from '@ensemble/shared';
import { BbbApiModule } from './bbb-api/bbb-api.module.js';
import type { GatewayConfig } from './config.js';
import { AccountsModule } from './accounts/accounts.module.js';
import { HealthController } from './health/health.controller.js';
import { JoinModule } from './join/join.module.js';
import { OpsController } from './ops/ops.controller.js';
import { OpsTokenGuard } from './ops/ops-token.guard.js';
import { RequestTimeout } from './ops/request-timeout.js';
import { RoomsModule } from './rooms/rooms.module.js';
import { RunsController } from './ops/runs.controller.js';
import { WebController } from './web/web.controller.js';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, logSink?: (line: string) => void): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        CoreModule.forRoot({ service: 'gateway-api', config, ...(logSink ? { logSink } : {}) }),
        AccountsModule,
        RoomsModule,
        JoinModule,
        BbbApiModule,
      ],
      controllers: [HealthController, OpsController, RunsController, WebController],
      providers: [OpsTokenGuard, RequestTimeout],
    };
  }
}
