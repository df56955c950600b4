import type { Kysely } from 'kysely';

/**
 * The upload tokens of removed nodes, honoured for RECORDING_TOKEN_GRACE_S after the removal
 * (decision 107): a node that was unreachable when removed can still hand over the recordings
 * it holds once it is back. Apart from `nodes`, which stays the inventory. Forward only: a
 * later change is a new file.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('retired_upload_tokens')
    // SHA-256 (hex) of the token, as nodes.recording_token_hash held it.
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'timestamptz', (c) => c.notNull())
    .addColumn('valid_until', 'timestamptz', (c) => c.notNull())
    .execute();
  // The purge takes the expired ones; registering a node id again drops its own.
  await db.schema
    .createIndex('retired_upload_tokens_valid_until')
    .on('retired_upload_tokens')
    .column('valid_until')
    .execute();
  await db.schema.createIndex('retired_upload_tokens_node').on('retired_upload_tokens').column('node_id').execute();
}
