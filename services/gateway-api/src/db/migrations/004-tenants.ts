import { sql, type Kysely } from 'kysely';

/**
 * Tenants (issue 19, decision 110). The `default` tenant is every installation from before
 * tenants: its BBB API secrets stay in the config (BBB_API_SECRET/S), its meetingIDs are
 * not namespaced, and the rows written before this migration are its own. Forward only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    // A DNS label: the first label of the tenant's host name.
    .addColumn('name', 'text', (c) => c.primaryKey().check(sql`name ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'`))
    .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
    // The tenant's parameter policy for create and join (decision 111), validated by the API.
    .addColumn('policy', 'jsonb', (c) =>
      c
        .notNull()
        .defaultTo(sql`'{}'::jsonb`)
        .check(sql`jsonb_typeof(policy) = 'object'`),
    )
    // Placement rules and quotas (decision 112); null: no quota.
    .addColumn('required_tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('load_weight', 'double precision', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`load_weight > 0`),
    )
    .addColumn('max_meetings', 'integer', (c) => c.check(sql`max_meetings >= 0`))
    .addColumn('max_participants', 'integer', (c) => c.check(sql`max_participants >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`INSERT INTO tenants (name, display_name) VALUES ('default', 'Default')`.execute(db);

  // Several secrets per tenant: a new one is added, integrations move to it, the old one is removed.
  await db.schema
    .createTable('tenant_secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull().references('tenants.name').onDelete('cascade'))
    // BBB checksums need the secret itself (sha-x of call + query + secret): kept, never shown again.
    .addColumn('secret', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('tenant_secrets_tenant').on('tenant_secrets').column('tenant').execute();

  // Recordings belong to the tenant whose meeting made them; getRecordings pages within one.
  await db.schema
    .alterTable('recordings')
    .addColumn('tenant', 'text', (c) => c.notNull().defaultTo('default'))
    .execute();
  await db.schema
    .createIndex('recordings_tenant_order')
    .on('recordings')
    .columns(['tenant', 'starts_at', 'record_id'])
    .execute();

  // Accounts belong to a tenant (its host name leads to its web app): an e-mail is unique within one.
  await db.schema
    .alterTable('users')
    // Removing a tenant (forced when it has any) removes its accounts, and with them their rooms.
    .addColumn('tenant', 'text', (c) => c.notNull().defaultTo('default').references('tenants.name').onDelete('cascade'))
    .execute();
  await sql`ALTER TABLE users DROP CONSTRAINT users_email_key`.execute(db);
  await db.schema.createIndex('users_tenant_email').on('users').columns(['tenant', 'email']).unique().execute();
}
