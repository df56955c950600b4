import type { Logger, NatsBus } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { TenantDirectory } from './tenant-directory.js';
import { TenantsRepository } from './tenants.repository.js';

/**
 * The directory as a gateway has it before its first read of the tenants table: the default
 * tenant with the config's secrets (for tests of parts that only sign with it; nothing reads
 * the repository until a refresh).
 */
export const configOnlyDirectory = (config: GatewayConfig, logger: Logger, bus: NatsBus): TenantDirectory =>
  new TenantDirectory(config, logger, bus, new TenantsRepository(undefined as never));
