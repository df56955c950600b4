import type { TenantIdentityBody, TenantIdentityView } from '@ensemble/contracts';
import { guardedSql } from '@ensemble/shared';
import type { Kysely } from 'kysely';
import type { GatewayTables, TenantIdentityRow } from '../db/schema.js';

/** A tenant's provider as the sign-in needs it (with the secret: never leaves the gateway). */
export interface TenantIdentity {
  tenant: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  allowedEmailDomains: string[];
  roleClaim: string | null;
  roleMapping: Record<string, string>;
  localAccountsEnabled: boolean;
  updatedAt: number;
}

const identityOf = (r: TenantIdentityRow): TenantIdentity => ({
  tenant: r.tenant,
  issuer: r.issuer,
  clientId: r.client_id,
  clientSecret: r.client_secret,
  displayName: r.display_name,
  allowedEmailDomains: r.allowed_email_domains,
  roleClaim: r.role_claim,
  roleMapping: r.role_mapping,
  localAccountsEnabled: r.local_accounts_enabled,
  updatedAt: r.updated_at.getTime(),
});

/** What the ops API shows: everything but the secret. */
export const identityView = ({ clientSecret: _secret, ...rest }: TenantIdentity): TenantIdentityView => ({
  ...rest,
  clientSecretSet: true,
  roleMapping: rest.roleMapping as TenantIdentityView['roleMapping'],
});

/** `tenant_identity` (migration 007, decision 120): at most one provider per tenant. */
export class TenantIdentityRepository {
  constructor(private readonly db: Kysely<GatewayTables>) {}

  async get(tenant: string): Promise<TenantIdentity | null> {
    const row = await guardedSql('tenant identity', () =>
      this.db.selectFrom('tenant_identity').selectAll().where('tenant', '=', tenant).executeTakeFirst(),
    );
    return row ? identityOf(row) : null;
  }

  /**
   * Replaces the tenant's configuration; a body without a client secret keeps the stored one
   * (null when there is none to keep: the caller refuses). False when the tenant does not exist.
   */
  async put(tenant: string, body: TenantIdentityBody): Promise<TenantIdentity | null | false> {
    const values = {
      issuer: body.issuer,
      client_id: body.clientId,
      display_name: body.displayName,
      allowed_email_domains: body.allowedEmailDomains,
      role_claim: body.roleClaim,
      role_mapping: JSON.stringify(body.roleMapping),
      local_accounts_enabled: body.localAccountsEnabled,
      updated_at: new Date(),
    };
    return guardedSql('tenant identity', async () => {
      const exists = await this.db.selectFrom('tenants').select('name').where('name', '=', tenant).executeTakeFirst();
      if (!exists) return false;
      if (body.clientSecret === undefined) {
        const row = await this.db
          .updateTable('tenant_identity')
          .set(values)
          .where('tenant', '=', tenant)
          .returningAll()
          .executeTakeFirst();
        return row ? identityOf(row) : null;
      }
      const row = await this.db
        .insertInto('tenant_identity')
        .values({ tenant, client_secret: body.clientSecret, ...values })
        .onConflict((oc) => oc.column('tenant').doUpdateSet({ client_secret: body.clientSecret, ...values }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return identityOf(row);
    });
  }

  async remove(tenant: string): Promise<boolean> {
    const r = await guardedSql('tenant identity', () =>
      this.db.deleteFrom('tenant_identity').where('tenant', '=', tenant).executeTakeFirst(),
    );
    return r.numDeletedRows > 0n;
  }
}
