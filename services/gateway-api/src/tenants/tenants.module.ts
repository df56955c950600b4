import { Module } from '@nestjs/common';
import { repositoryProvider } from '../db/repository.provider.js';
import { TenantDirectory } from './tenant-directory.js';
import { TenantsRepository } from './tenants.repository.js';

/** Tenants (decision 110): owns the `tenants` and `tenant_secrets` tables; the directory every BBB API call reads. */
@Module({
  providers: [repositoryProvider(TenantsRepository), TenantDirectory],
  exports: [TenantDirectory, TenantsRepository],
})
export class TenantsModule {}
