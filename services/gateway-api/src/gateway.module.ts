import { Module, type DynamicModule } from '@nestjs/common';
import { CoreModule } from '@ensemble/shared';
import { BbbApiModule } from './bbb-api/bbb-api.module.js';
import type { GatewayConfig } from './config.js';
import { AccountsModule } from './accounts/accounts.module.js';
import { HealthController } from './health/health.controller.js';
import { JoinModule } from './join/join.module.js';
import { EventHub } from './ops/event-hub.service.js';
import { NodesController } from './ops/nodes.controller.js';
import { OpsEventsController } from './ops/ops-events.controller.js';
import { OpsController } from './ops/ops.controller.js';
import { OpsStreamGuard, OpsTokenGuard } from './ops/ops-token.guard.js';
import { SseTickets } from './ops/sse-ticket.js';
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
      controllers: [
        HealthController,
        OpsController,
        NodesController,
        OpsEventsController,
        RunsController,
        WebController,
      ],
      providers: [OpsTokenGuard, OpsStreamGuard, SseTickets, EventHub, RequestTimeout],
    };
  }
}
