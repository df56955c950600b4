import { Module } from '@nestjs/common';
import { DATABASE, LOGGER, REDIS, type Database, type Logger } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { AccountsService } from '../accounts/accounts.service.js';
import { RolesRepository } from '../roles/roles.repository.js';
import { gatewayTables } from '../db/repository.provider.js';
import { TenantIdentityRepository } from './tenant-identity.repository.js';
import { OidcController } from './oidc.controller.js';
import { OidcFlowStore } from './oidc-flows.store.js';
import { OidcService } from './oidc.service.js';

/** A started sign-in waits this long for the provider's redirect back. */
const FLOW_TTL_S = 600;

/**
 * Sign-in with each tenant's OpenID Provider (decision 120). Owns `tenant_identity` (with the
 * ops API's identity routes, through TenantIdentityRepository) and the `ens:gw:oidc:` keys.
 */
@Module({
  imports: [AccountsModule],
  controllers: [OidcController],
  providers: [
    {
      provide: OidcService,
      inject: [DATABASE, REDIS, AccountsService, RolesRepository, LOGGER],
      useFactory: (
        database: Database | null,
        redis: Redis | null,
        accounts: AccountsService,
        roles: RolesRepository,
        logger: Logger,
      ) => {
        if (!redis) throw new Error('the gateway needs REDIS_URL');
        const tables = gatewayTables(database);
        return new OidcService(
          new TenantIdentityRepository(tables),
          new AccountsRepository(tables),
          accounts,
          new OidcFlowStore(redis, FLOW_TTL_S),
          roles,
          logger,
        );
      },
    },
  ],
})
export class IdentityModule {}
