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
  recordingsProtected?: boolean | null;
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
  recordingsProtected: r.recordings_protected,
});

const columns = (f: TenantFields) => ({
  ...(f.displayName !== undefined ? { display_name: f.displayName } : {}),
  ...(f.policy !== undefined ? { policy: JSON.stringify(f.policy) } : {}),
  ...(f.requiredTags !== undefined ? { required_tags: f.requiredTags } : {}),
  ...(f.loadWeight !== undefined ? { load_weight: f.loadWeight } : {}),
  ...(f.maxMeetings !== undefined ? { max_meetings: f.maxMeetings } : {}),
  ...(f.maxParticipants !== undefined ? { max_participants: f.maxParticipants } : {}),
  ...(f.recordingsProtected !== undefined ? { recordings_protected: f.recordingsProtected } : {}),
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

  /**
   * Removes the tenant, its secrets and accounts (cascade: their rooms too), and deletes its
   * recordings as deleteRecordings does (gone from every list, not playable), so that a tenant
   * given the same name later inherits none. `allow` sees what it holds, under the tenant
   * row's lock (no account can be added meanwhile), and may refuse. Undefined: no such tenant.
   */
  async remove(
    name: string,
    allow: (held: TenantStoredHoldings) => boolean = () => true,
  ): Promise<{ removed: boolean; held: TenantStoredHoldings } | undefined> {
    return guardedSql('tenant remove', () =>
      this.db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('tenants')
          .select('name')
          .where('name', '=', name)
          .forUpdate()
          .executeTakeFirst();
        if (!row) return undefined;
        const held = await holdingsOf(tx, name);
        if (!allow(held)) return { removed: false, held };
        await tx
          .updateTable('recordings')
          .set({ state: 'deleted', updated_at: new Date() })
          .where('tenant', '=', name)
          .where('state', '<>', 'deleted')
          .execute();
        await tx.deleteFrom('tenants').where('name', '=', name).execute();
        return { removed: true, held };
      }),
    );
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

  /**
   * Removes one secret of the tenant unless fewer than `keep` stored secrets would remain
   * (`last`), counted under the tenant row's lock: two removals at once cannot both take
   * the last two.
   */
  async removeSecret(tenant: string, id: string, keep = 0): Promise<'removed' | 'absent' | 'last'> {
    return guardedSql('tenant secret remove', () =>
      this.db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('tenants')
          .select('name')
          .where('name', '=', tenant)
          .forUpdate()
          .executeTakeFirst();
        if (!row) return 'absent';
        const ids = await tx.selectFrom('tenant_secrets').select('id').where('tenant', '=', tenant).execute();
        if (!ids.some((r) => r.id === id)) return 'absent';
        if (ids.length - 1 < keep) return 'last';
        await tx.deleteFrom('tenant_secrets').where('tenant', '=', tenant).where('id', '=', id).execute();
        return 'removed';
      }),
    );
  }

  /** Every stored secret by id (never the secret), oldest first: the list of tenants shows them. */
  async allSecrets(): Promise<Array<Omit<StoredSecret, 'secret'>>> {
    return guardedSql('tenant secrets', async () =>
      (
        await this.db
          .selectFrom('tenant_secrets')
          .select(['id', 'tenant', 'created_at'])
          .orderBy('created_at')
          .execute()
      ).map((r) => ({ id: r.id, tenant: r.tenant, createdAt: r.created_at.getTime() })),
    );
  }

  /**
   * Recordings (not deleted) and the bytes of their formats in storage, per tenant (of
   * `names`, or every tenant with any); a tenant without any is absent.
   */
  async recordingUsage(names?: readonly string[]): Promise<Map<string, { recordings: number; storageBytes: number }>> {
    return guardedSql('tenant recordings usage', async () => {
      const only = names ? sql`AND r.tenant = ANY(${[...names]}::text[])` : sql``;
      const r = await sql<{ tenant: string; recordings: number; bytes: string }>`SELECT r.tenant,
          count(DISTINCT r.record_id)::int AS recordings, coalesce(sum(f.size_bytes), 0)::text AS bytes
        FROM recordings r LEFT JOIN recording_formats f ON f.record_id = r.record_id
        WHERE r.state <> 'deleted' ${only}
        GROUP BY r.tenant`.execute(this.db);
      return new Map(r.rows.map((x) => [x.tenant, { recordings: x.recordings, storageBytes: Number(x.bytes) }]));
    });
  }

  /** Web accounts and indexed recordings (not deleted) of the tenant: what removing it would take. */
  async holdings(tenant: string): Promise<TenantStoredHoldings> {
    return guardedSql('tenant holdings', () => holdingsOf(this.db, tenant));
  }
}

/** What a tenant holds in the gateway's tables (its running meetings are the scheduler's to tell). */
export interface TenantStoredHoldings {
  accounts: number;
  recordings: number;
}

async function holdingsOf(db: Kysely<GatewayTables>, tenant: string): Promise<TenantStoredHoldings> {
  const r = await sql<TenantStoredHoldings>`SELECT
    (SELECT count(*) FROM users WHERE tenant = ${tenant})::int AS accounts,
    (SELECT count(*) FROM recordings WHERE tenant = ${tenant} AND state <> 'deleted')::int AS recordings`.execute(db);
  return r.rows[0]!;
}

async function insertSecret(db: Kysely<GatewayTables>, tenant: string, secret: string): Promise<StoredSecret> {
  const row = await db
    .insertInto('tenant_secrets')
    .values({ id: newSecretId(), tenant, secret })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, tenant, secret, createdAt: row.created_at.getTime() };
}
