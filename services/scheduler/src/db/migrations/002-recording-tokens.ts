import type { Kysely } from 'kysely';

/**
 * Each node's recording upload token, as its SHA-256 (hex) only (decision 102). Nodes
 * registered before have none: they cannot upload until removed and registered again. Forward
 * only: a later change is a new file.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('nodes').addColumn('recording_token_hash', 'text').execute();
  // An upload finds its node by the hash; no two nodes share a token.
  await db.schema
    .createIndex('nodes_recording_token_hash')
    .on('nodes')
    .column('recording_token_hash')
    .unique()
    .execute();
}
