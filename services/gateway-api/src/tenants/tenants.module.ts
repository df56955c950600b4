import { Module } from '@nestjs/common';
import { repositoryProvider } from '../db/repository.provider.js';
import { TenantAdmin } from './tenant-admin.service.js';
import { TenantDirectory } from './tenant-directory.js';
import { TenantMetrics } from './tenant-metrics.js';
import { SchedulerTenantUsage } from './scheduler-tenant-usage.js';
import { TenantUsageSource } from './tenant-usage.port.js';
import { TenantsRepository } from './tenants.repository.js';

/**
 * Tenants (decision 110): owns the `tenants` and `tenant_secrets` tables; the directory every
 * BBB API call reads; their operations and per-tenant metrics (decision 114).
 */
@Module({
  providers: [
    repositoryProvider(TenantsRepository),
    TenantDirectory,
    TenantMetrics,
    TenantAdmin,
    { provide: TenantUsageSource, useClass: SchedulerTenantUsage },
  ],
  exports: [TenantDirectory, TenantsRepository, TenantMetrics, TenantAdmin, TenantUsageSource],
})
export class TenantsModule {}
