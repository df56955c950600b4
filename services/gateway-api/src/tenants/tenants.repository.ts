import { guardedSql } from '@ensemble/shared';
import { sql, type Kysely } from 'kysely';
import type { GatewayTables, TenantRow } from '../db/schema.js';
import { EMPTY_POLICY, parameterPolicySchema } from '../bbb-api/parameter-policy.js';
import { newSecretId, type Tenant } from './tenant.js';

/** What an operator sets on a tenant (every field optional on update). */
export interface TenantFields {
  displayName?: string;
  policy?: Record<string, unknown>;
  requiredTags?: string[];
  loadWeight?: number;
  maxMeetings?: number | null;
  maxParticipants?: number | null;
}

export interface StoredSecret {
  id: string;
  tenant: string;
  secret: string;
  createdAt: number;
}

const tenantOf = (r: TenantRow, secrets: readonly string[]): Tenant => ({
  name: r.name,
  displayName: r.display_name,
  secrets,
  // Validated when written; a row edited by hand that no longer parses applies no policy.
  policy: parameterPolicySchema.safeParse(r.policy).data ?? EMPTY_POLICY,
  requiredTags: r.required_tags,
  loadWeight: r.load_weight,
  maxMeetings: r.max_meetings,
  maxParticipants: r.max_participants,
});

const columns = (f: TenantFields) => ({
  ...(f.displayName !== undefined ? { display_name: f.displayName } : {}),
  ...(f.policy !== undefined ? { policy: JSON.stringify(f.policy) } : {}),
  ...(f.requiredTags !== undefined ? { required_tags: f.requiredTags } : {}),
  ...(f.loadWeight !== undefined ? { load_weight: f.loadWeight } : {}),
  ...(f.maxMeetings !== undefined ? { max_meetings: f.maxMeetings } : {}),
  ...(f.maxParticipants !== undefined ? { max_participants: f.maxParticipants } : {}),
});

/**
 * Tenants and their secrets in PostgreSQL (`tenants`, `tenant_secrets`, decision 110). Each
 * call is one statement, except `add`, whose transaction makes a tenant and its first secret
 * exist together (a tenant is never reachable without a secret it was given).
 */
export class TenantsRepository {
  constructor(private readonly db: Kysely<GatewayTables>) {}

  /** Every tenant with its secrets (the directory the gateway keeps in memory). */
  async all(): Promise<Tenant[]> {
    return guardedSql('tenants', async () => {
      const [rows, secrets] = await Promise.all([
        this.db.selectFrom('tenants').selectAll().orderBy('name').execute(),
        this.db.selectFrom('tenant_secrets').select(['tenant', 'secret']).orderBy('created_at').execute(),
      ]);
      const by = new Map<string, string[]>();
      for (const s of secrets) by.set(s.tenant, [...(by.get(s.tenant) ?? []), s.secret]);
      return rows.map((r) => tenantOf(r, by.get(r.name) ?? []));
    });
  }

  async get(name: string): Promise<Tenant | undefined> {
    return guardedSql('tenant', async () => {
      const row = await this.db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
      if (!row) return undefined;
      const secrets = await this.db
        .selectFrom('tenant_secrets')
        .select('secret')
        .where('tenant', '=', name)
        .orderBy('created_at')
        .execute();
      return tenantOf(
        row,
        secrets.map((s) => s.secret),
      );
    });
  }

  /** Undefined when the name is taken (nothing written). */
  async add(name: string, fields: TenantFields, secret: string): Promise<StoredSecret | undefined> {
    return guardedSql('tenant add', () =>
      this.db.transaction().execute(async (tx) => {
        const created = await tx
          .insertInto('tenants')
          .values({ name, ...columns(fields) })
          .onConflict((c) => c.column('name').doNothing())
          .returning('name')
          .executeTakeFirst();
        if (!created) return undefined;
        return insertSecret(tx, name, secret);
      }),
    );
  }

  /** The tenant as it is now; undefined when there is none. */
  async update(name: string, fields: TenantFields): Promise<boolean> {
    return guardedSql('tenant update', async () => {
      const r = await this.db
        .updateTable('tenants')
        .set({ ...columns(fields), updated_at: new Date() })
        .where('name', '=', name)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    });
  }

  /** Removes the tenant, its secrets and accounts (cascade); false when there was none. */
  async remove(name: string): Promise<boolean> {
    return guardedSql('tenant remove', async () => {
      const r = await this.db.deleteFrom('tenants').where('name', '=', name).executeTakeFirst();
      return r.numDeletedRows > 0n;
    });
  }

  async secrets(tenant: string): Promise<Array<Omit<StoredSecret, 'secret'>>> {
    return guardedSql('tenant secrets', async () =>
      (
        await this.db
          .selectFrom('tenant_secrets')
          .select(['id', 'tenant', 'created_at'])
          .where('tenant', '=', tenant)
          .orderBy('created_at')
          .execute()
      ).map((r) => ({ id: r.id, tenant: r.tenant, createdAt: r.created_at.getTime() })),
    );
  }

  /** Undefined when the tenant does not exist or the secret is in use (by any tenant). */
  async addSecret(tenant: string, secret: string): Promise<StoredSecret | undefined> {
    return guardedSql('tenant secret add', async () => {
      const row = await this.db
        .insertInto('tenant_secrets')
        .columns(['id', 'tenant', 'secret'])
        .expression((eb) =>
          eb
            .selectFrom('tenants')
            .select([sql.lit(newSecretId()).as('id'), 'name', sql.val(secret).as('secret')])
            .where('name', '=', tenant),
        )
        .onConflict((c) => c.column('secret').doNothing())
        .returning(['id', 'tenant', 'created_at'])
        .executeTakeFirst();
      return row ? { id: row.id, tenant: row.tenant, secret, createdAt: row.created_at.getTime() } : undefined;
    });
  }

  async removeSecret(tenant: string, id: string): Promise<boolean> {
    return guardedSql('tenant secret remove', async () => {
      const r = await this.db
        .deleteFrom('tenant_secrets')
        .where('tenant', '=', tenant)
        .where('id', '=', id)
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    });
  }

  /** Web accounts and indexed recordings (not deleted) of the tenant: what removing it would take. */
  async holdings(tenant: string): Promise<{ accounts: number; recordings: number }> {
    return guardedSql('tenant holdings', async () => {
      const r = await sql<{ accounts: number; recordings: number }>`SELECT
        (SELECT count(*) FROM users WHERE tenant = ${tenant})::int AS accounts,
        (SELECT count(*) FROM recordings WHERE tenant = ${tenant} AND state <> 'deleted')::int AS recordings`.execute(
        this.db,
      );
      return r.rows[0]!;
    });
  }
}

async function insertSecret(db: Kysely<GatewayTables>, tenant: string, secret: string): Promise<StoredSecret> {
  const row = await db
    .insertInto('tenant_secrets')
    .values({ id: newSecretId(), tenant, secret })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, tenant, secret, createdAt: row.created_at.getTime() };
}
