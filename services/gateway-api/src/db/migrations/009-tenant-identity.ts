import { sql, type Kysely } from 'kysely';

/**
 * Sign-in with OpenID Connect per tenant (issue 20, decision 120). Forward only.
 *
 * `tenant_identity`: a tenant's OpenID Provider (at most one), its client, which e-mail
 * domains and which role claim values it admits, and whether local (password) accounts
 * stay open. The client secret is kept (the token endpoint needs it), never shown again.
 *
 * `users.oidc_issuer`/`oidc_sub`: an account signed in through a provider is found by the
 * provider's subject, never by e-mail (unique per tenant, issuer and subject);
 * `users.idp_role`: the role the provider's claim last mapped to.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenant_identity')
    .addColumn('tenant', 'text', (c) => c.primaryKey().references('tenants.name').onDelete('cascade'))
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_secret', 'text', (c) => c.notNull())
    // The button's label ("Sign in with <display_name>").
    .addColumn('display_name', 'text', (c) => c.notNull())
    // Lower case; empty: every domain.
    .addColumn('allowed_email_domains', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    // Null: no role claim read, every account is a 'user'.
    .addColumn('role_claim', 'text')
    .addColumn('role_mapping', 'jsonb', (c) =>
      c
        .notNull()
        .defaultTo(sql`'{}'::jsonb`)
        .check(sql`jsonb_typeof(role_mapping) = 'object'`),
    )
    .addColumn('local_accounts_enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .alterTable('users')
    .addColumn('oidc_issuer', 'text')
    .addColumn('oidc_sub', 'text')
    .addColumn('idp_role', 'text')
    .execute();
  await sql`ALTER TABLE users ADD CONSTRAINT users_oidc_pair CHECK ((oidc_issuer IS NULL) = (oidc_sub IS NULL))`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX users_tenant_oidc ON users (tenant, oidc_issuer, oidc_sub) WHERE oidc_sub IS NOT NULL`.execute(
    db,
  );
}
