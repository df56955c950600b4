import { Module } from '@nestjs/common';
import { LOGGER, type Logger } from '@ensemble/shared';
import { CallbacksModule } from '../callbacks/callbacks.module.js';
import { repositoryProvider } from '../db/repository.provider.js';
import { AuditController } from './audit.controller.js';
import { AuditLog } from './audit-log.js';
import { AuditRepository } from './audit.repository.js';
import { CallbacksController } from './callbacks.controller.js';
import { EventHubService } from './event-hub.service.js';
import { NodesController } from './nodes.controller.js';
import { OpsEventsController } from './ops-events.controller.js';
import { OpsStreamGuard, OpsTokenGuard } from './ops-token.guard.js';
import { OpsController } from './ops.controller.js';
import { RunsController } from './runs.controller.js';
import { SseTicketService } from './sse-ticket.service.js';
import { TenantsController } from './tenants.controller.js';
import { OperatorTokenService } from './operator-tokens/operator-token.service.js';
import { OperatorTokensController } from './operator-tokens/operator-tokens.controller.js';
import { OperatorTokensRepository } from './operator-tokens/operator-tokens.repository.js';
import { TenantIdentityController } from './tenant-identity.controller.js';
import { TenantIdentityRepository } from '../identity/tenant-identity.repository.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { TenantUsersController } from './tenant-users.controller.js';
import { RolesRepository } from '../roles/roles.repository.js';

/**
 * The operator API (`/api/ops/*`, bearer `OPS_TOKEN` or a personal operator token, decision
 * 122): cluster, nodes, placements, runs, the events stream, the audit log, tenants (decision
 * 114), the outbound callbacks and the operator tokens. Thin: every decision is the scheduler's or
 * the provisioner's, asked over NATS; every change is audited first (`AuditLog`). Owns
 * the `audit_events` and `operator_tokens` tables.
 */
@Module({
  imports: [TenantsModule, CallbacksModule],
  controllers: [
    OpsController,
    NodesController,
    OpsEventsController,
    RunsController,
    AuditController,
    TenantsController,
    TenantIdentityController,
    CallbacksController,
    OperatorTokensController,
    TenantUsersController,
  ],
  providers: [
    OpsTokenGuard,
    OpsStreamGuard,
    SseTicketService,
    EventHubService,
    repositoryProvider(AuditRepository),
    repositoryProvider(OperatorTokensRepository),
    OperatorTokenService,
    repositoryProvider(TenantIdentityRepository),
    repositoryProvider(RolesRepository),
    {
      provide: AuditLog,
      inject: [AuditRepository, LOGGER],
      useFactory: (repository: AuditRepository, logger: Logger) => new AuditLog(repository, logger),
    },
  ],
})
export class OpsModule {}
