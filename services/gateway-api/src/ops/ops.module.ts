import { Module } from '@nestjs/common';
import { EventHubService } from './event-hub.service.js';
import { NodesController } from './nodes.controller.js';
import { OpsEventsController } from './ops-events.controller.js';
import { OpsStreamGuard, OpsTokenGuard } from './ops-token.guard.js';
import { OpsController } from './ops.controller.js';
import { RunsController } from './runs.controller.js';
import { SseTicketService } from './sse-ticket.service.js';

/**
 * The operator API (`/api/ops/*`, bearer `OPS_TOKEN`): cluster, nodes, placements,
 * runs and the events stream. Thin: every decision is the scheduler's or the
 * provisioner's, asked over NATS.
 */
@Module({
  controllers: [OpsController, NodesController, OpsEventsController, RunsController],
  providers: [OpsTokenGuard, OpsStreamGuard, SseTicketService, EventHubService],
})
export class OpsModule {}
