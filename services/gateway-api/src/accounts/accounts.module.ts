import { Module } from '@nestjs/common';
import { CONFIG, DATABASE, REDIS, type Database } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config.js';
import { gatewayTables, repositoryProvider } from '../db/repository.provider.js';
import { TenantIdentityRepository } from '../identity/tenant-identity.repository.js';
import { AccountsController } from './accounts.controller.js';
import { AccountsRepository } from './accounts.repository.js';
import { AccountsService } from './accounts.service.js';
import { RolesRepository } from '../roles/roles.repository.js';
import { PermissionChecks } from '../roles/permissions.js';
import { OriginGuard } from './origin.guard.js';
import { RateLimitStore } from './rate-limit.store.js';
import { SessionGuard } from './session.guard.js';
import { SessionsStore } from './sessions.store.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { WebTenants } from './web-tenant.js';

/**
 * People: registration, login, sessions, each within the tenant the web app's host names
 * (WebTenants, decision 115). Owns the `users` table and the `ens:gw:acct:` keys (sessions, limits).
 */
@Module({
  imports: [TenantsModule],
  controllers: [AccountsController],
  providers: [
    {
      provide: AccountsService,
      inject: [REDIS, DATABASE, CONFIG, RolesRepository],
      useFactory: (redis: Redis | null, database: Database | null, config: GatewayConfig, roles: RolesRepository) => {
        if (!redis) throw new Error('the gateway needs REDIS_URL');
        return new AccountsService(
          new AccountsRepository(gatewayTables(database)),
          new SessionsStore(redis, config.SESSION_TTL_S),
          new RateLimitStore(redis, config.LOGIN_WINDOW_S),
          {
            maxFailuresPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
            maxAttemptsPerAddress: config.LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
          },
          roles,
        );
      },
    },
    OriginGuard,
    SessionGuard,
    WebTenants,
    repositoryProvider(TenantIdentityRepository),
    repositoryProvider(RolesRepository),
    {
      provide: PermissionChecks,
      inject: [RolesRepository],
      useFactory: (roles: RolesRepository) => new PermissionChecks(roles),
    },
  ],
  exports: [AccountsService, OriginGuard, SessionGuard, WebTenants, RolesRepository, PermissionChecks],
})
export class AccountsModule {}
