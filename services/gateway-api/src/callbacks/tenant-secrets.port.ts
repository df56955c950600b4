import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, DEFAULT_TENANT } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';

/**
 * The BBB API secret a tenant's callbacks are signed with, as its integration verifies them
 * (decision 113): asked at each delivery attempt, so a rotation signs with the new secret
 * and a removed tenant (undefined) has its callbacks dropped rather than retried.
 */
export abstract class TenantSecretSource {
  abstract signingSecret(tenant: string): Promise<string | undefined>;
}

/** Before tenants: the one BBB API secret, the default tenant's. */
@Injectable()
export class ConfiguredTenantSecrets extends TenantSecretSource {
  private readonly secret: string | undefined;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    super();
    this.secret = config.BBB_API_SECRET ?? config.BBB_API_SECRETS[0];
  }

  signingSecret(tenant: string): Promise<string | undefined> {
    return Promise.resolve(tenant === DEFAULT_TENANT ? this.secret : undefined);
  }
}
