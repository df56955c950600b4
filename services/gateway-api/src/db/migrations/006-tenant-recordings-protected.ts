import type { Kysely } from 'kysely';

/**
 * Protected recordings per tenant (issue 18, decision 116): true or false is the tenant's own
 * choice; null (every tenant until an operator sets it) follows the global
 * RECORDINGS_PROTECTED, so nothing changes for an installation that sets nothing. Forward only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('recordings_protected', 'boolean').execute();
}
