import { Injectable } from '@nestjs/common';
import { TenantDirectory } from '../tenants/tenant-directory.js';

/**
 * The BBB API secret a tenant's callbacks are signed with, as its integration verifies them
 * (decision 113): asked at each delivery attempt, so a rotation signs with the new secret
 * and a removed tenant (undefined) has its callbacks dropped rather than retried.
 */
export abstract class TenantSecretSource {
  abstract signingSecret(tenant: string): Promise<string | undefined>;
}

/**
 * The tenant's oldest secret (the default tenant's: BBB_API_SECRET first): during a rotation
 * the integration still holds it until the old one is removed; a delivery its integration
 * refuses meanwhile is retried, and signed with the new one once the old is gone.
 */
@Injectable()
export class DirectoryTenantSecrets extends TenantSecretSource {
  constructor(private readonly directory: TenantDirectory) {
    super();
  }

  signingSecret(tenant: string): Promise<string | undefined> {
    return Promise.resolve(this.directory.get(tenant)?.secrets[0]);
  }
}
