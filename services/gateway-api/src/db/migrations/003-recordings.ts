import { sql, type Kysely } from 'kysely';

/**
 * The recordings index (issue 18, decisions 101-102): one row per recording, one per
 * (recording, format) pointing at its files in object storage. A format row is written in
 * the same transaction as its recording: its commit is the moment the recording is
 * visible. Forward only: a later change is a new file.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('recordings')
    .addColumn('record_id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('internal_meeting_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('published', 'unpublished', 'deleted')`))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('participants', 'integer', (c) => c.notNull().defaultTo(0))
    // The create call's meta_* parameters, keys without the prefix (as metadata.xml's <meta>).
    .addColumn('metadata', 'jsonb', (c) =>
      c
        .notNull()
        .defaultTo(sql`'{}'::jsonb`)
        .check(sql`jsonb_typeof(metadata) = 'object'`),
    )
    // The node that uploaded it (a node id, not a key: nodes are the scheduler's).
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // getRecordings' one stable order (start, then id), and the same order within each filter:
  // a page is an index range, whatever the offset.
  await db.schema.createIndex('recordings_order').on('recordings').columns(['starts_at', 'record_id']).execute();
  await db.schema
    .createIndex('recordings_meeting')
    .on('recordings')
    .columns(['meeting_id', 'starts_at', 'record_id'])
    .execute();
  await db.schema
    .createIndex('recordings_state')
    .on('recordings')
    .columns(['state', 'starts_at', 'record_id'])
    .execute();
  // meta_ filters are containment (metadata @> '{"k":"v"}').
  await sql`CREATE INDEX recordings_metadata ON recordings USING gin (metadata jsonb_path_ops)`.execute(db);

  await db.schema
    .createTable('recording_formats')
    .addColumn('record_id', 'text', (c) => c.notNull().references('recordings.record_id').onDelete('cascade'))
    .addColumn('format', 'text', (c) => c.notNull())
    // sha-256 of the uploaded archive, hex: the same bytes again are a no-op.
    .addColumn('digest', 'text', (c) => c.notNull().check(sql`digest ~ '^[0-9a-f]{64}$'`))
    // recordings/<record id>/<format>/<digest>/ in the bucket: content-addressed.
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('file_count', 'integer', (c) => c.notNull())
    // Where the format's player starts, below the prefix (metadata.xml's <playback><link>).
    .addColumn('playback_path', 'text', (c) => c.notNull())
    .addColumn('processing_time_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('length_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('recording_formats_pk', ['record_id', 'format'])
    .execute();
  // The sweeper asks whether a prefix is still referenced.
  await db.schema.createIndex('recording_formats_prefix').on('recording_formats').column('prefix').execute();
}
