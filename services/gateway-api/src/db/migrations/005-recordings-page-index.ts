import { sql, type Kysely } from 'kysely';

/**
 * What getRecordings reads, made cheap (measured in bench/: a page of 100 of 100,000
 * recordings cost PostgreSQL 22 ms of CPU after the page query was fixed, 15 of them the
 * count). Forward only.
 *
 * 1. The order index carries each recording's state: getRecordings lists published and
 *    unpublished ones unless asked otherwise, so the walk to a page's offset needs the state
 *    of every row it skips. In the index, that walk reads the index alone (an index-only
 *    scan), not a table row per skipped recording. It replaces `recordings_order` (same key).
 *    A `text_pattern_ops` index on the record id serves `recordID`, a prefix as in BBB.
 * 2. `recording_counts`: how many recordings each tenant has in each state, kept by statement triggers in
 *    the transaction of every change to `recordings`, so a total filtered by tenant and state
 *    alone (the usual getRecordings) is a sum of at most three rows instead of a count of the table, exact in
 *    the statement's snapshot like the count it replaces.
 *
 * Writes to `recordings` wait for this migration (the index builds in its transaction: 54 ms
 * for 100,000 recordings here); the triggers exist before the counts are taken, under the
 * same lock, so no write falls between them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // getRecordings always lists within one tenant (decision 110): the tenant leads the key.
  await sql`CREATE INDEX recordings_page ON recordings (tenant, starts_at, record_id) INCLUDE (state)`.execute(db);
  await db.schema.dropIndex('recordings_order').execute();
  await db.schema.dropIndex('recordings_tenant_order').execute();
  // getRecordings' recordID matches by prefix, as BBB's does: an index range per prefix in
  // any collation (the primary key's order serves prefixes only under the C collation).
  await sql`CREATE INDEX recordings_record_id_prefix ON recordings (record_id text_pattern_ops)`.execute(db);

  await db.schema
    .createTable('recording_counts')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull().check(sql`n >= 0`))
    .addPrimaryKeyConstraint('recording_counts_pkey', ['tenant', 'state'])
    .execute();
  // Each statement's change per tenant and state: inserted rows count +1, deleted ones -1, an
  // update moves its rows from their old state to their new one (and writes nothing when no
  // state changed: no lock on a count). One row at a time, in key order, so two statements lock
  // counts in the same order; a tenant's first recording in a state makes its row. A branch
  // per operation: a statement's transition tables exist only for its own.
  const apply = (change: string) =>
    `FOR moved IN ${change} ORDER BY tenant, state LOOP
        IF moved.d > 0 THEN
          INSERT INTO recording_counts AS c (tenant, state, n) VALUES (moved.tenant, moved.state, moved.d)
            ON CONFLICT (tenant, state) DO UPDATE SET n = c.n + moved.d;
        ELSE
          -- A negative count is never inserted (CHECK is tested before ON CONFLICT): the row exists.
          UPDATE recording_counts SET n = n + moved.d WHERE tenant = moved.tenant AND state = moved.state;
        END IF;
      END LOOP;`;
  await sql`CREATE FUNCTION recording_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE moved record;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        ${sql.raw(apply('SELECT tenant, state, count(*) AS d FROM new_rows GROUP BY tenant, state'))}
      ELSIF TG_OP = 'DELETE' THEN
        ${sql.raw(apply('SELECT tenant, state, -count(*) AS d FROM old_rows GROUP BY tenant, state'))}
      ELSE
        ${sql.raw(
          apply(`SELECT tenant, state, sum(d) AS d FROM (SELECT tenant, state, 1 AS d FROM new_rows
          UNION ALL SELECT tenant, state, -1 FROM old_rows) AS m GROUP BY tenant, state HAVING sum(d) <> 0`),
        )}
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER recording_counts_insert AFTER INSERT ON recordings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION recording_counts_follow()`.execute(db);
  await sql`CREATE TRIGGER recording_counts_update AFTER UPDATE ON recordings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION recording_counts_follow()`.execute(
    db,
  );
  await sql`CREATE TRIGGER recording_counts_delete AFTER DELETE ON recordings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION recording_counts_follow()`.execute(db);
  // The counts as they are now (the triggers, already in place under this lock, keep them).
  await sql`INSERT INTO recording_counts (tenant, state, n)
    SELECT tenant, state, count(*) FROM recordings GROUP BY tenant, state`.execute(db);
}
