import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { RecordingsTable, RecordingState } from '../db/schema.js';
import type { RecordingFormat } from './recordings.repository.js';

/** getRecordings' filters (BBB 2.6+): each list is "any of"; absent means no filter. */
export interface RecordingsQuery {
  /** Only this tenant's (decision 110); absent: every tenant's (the web app's own lookups). */
  tenant?: string;
  meetingIds?: readonly string[];
  recordIds?: readonly string[];
  /**
   * getRecordings' `recordID`: each a prefix of the record ids listed, as BBB matches them
   * (RecordingServiceFileImpl.getRecordingsForPath: `startsWith`), so the 40 hex digits of a
   * meeting's internal id list all its recordings.
   */
  recordIdPrefixes?: readonly string[];
  states?: readonly RecordingState[];
  /** Every pair must match exactly (meta_<key>=<value>). */
  meta?: Readonly<Record<string, string>>;
  /** Newest first (a room's own list); BBB's getRecordings pages oldest first. */
  newestFirst?: boolean;
  offset: number;
  limit: number;
}

type Filter = Omit<RecordingsQuery, 'offset' | 'limit' | 'newestFirst'>;

/** A row of `listQuery`: the total beside a page row (all null but the total when the page is empty). */
export interface ListRow extends Omit<Selectable<RecordingsTable>, 'record_id'> {
  total: number;
  record_id: string | null;
  formats: RecordingFormat[];
}

/** The filters as one SQL condition over `r` (each one served by an index of migrations 003-004). */
function condition(q: Filter): RawBuilder<boolean> {
  const parts: RawBuilder<unknown>[] = [];
  if (q.tenant !== undefined) parts.push(sql`r.tenant = ${q.tenant}`);
  if (q.meetingIds) parts.push(sql`r.meeting_id = ANY(${[...q.meetingIds]}::text[])`);
  if (q.recordIds) parts.push(sql`r.record_id = ANY(${[...q.recordIds]}::text[])`);
  // One starts_with per prefix: each an index range (recordings_record_id_prefix, migration 004).
  if (q.recordIdPrefixes)
    parts.push(
      q.recordIdPrefixes.length
        ? sql`(${sql.join(
            q.recordIdPrefixes.map((p) => sql`starts_with(r.record_id, ${p})`),
            sql` OR `,
          )})`
        : sql`false`,
    );
  if (q.states) parts.push(sql`r.state = ANY(${[...q.states]}::text[])`);
  if (q.meta && Object.keys(q.meta).length > 0) parts.push(sql`r.metadata @> ${JSON.stringify(q.meta)}::jsonb`);
  return parts.length ? sql<boolean>`(${sql.join(parts, sql` AND `)})` : sql<boolean>`true`;
}

/**
 * The total from the counts per tenant and state (migration 005) when the filter is by tenant
 * and state alone, the usual getRecordings: a sum of at most three rows instead of a count of the table. Else
 * undefined: the matches are counted (an index range, for a filter by meeting, id or meta).
 */
function countedTotal(q: Filter): RawBuilder<number> | undefined {
  const byStateAlone =
    q.meetingIds === undefined &&
    q.recordIds === undefined &&
    q.recordIdPrefixes === undefined &&
    (!q.meta || Object.keys(q.meta).length === 0);
  if (!byStateAlone) return undefined;
  const tenant = q.tenant !== undefined ? sql`c.tenant = ${q.tenant}` : sql`true`;
  const states = q.states ? sql`c.state = ANY(${[...q.states]}::text[])` : sql`true`;
  return sql<number>`(SELECT coalesce(sum(c.n), 0) FROM recording_counts c WHERE ${tenant} AND ${states})`;
}

/** The formats of `r`, as a JSON array in the shape of RecordingFormat, by name. */
const FORMATS = sql`(SELECT coalesce(json_agg(json_build_object(
    'format', f.format, 'digest', f.digest, 'prefix', f.prefix, 'sizeBytes', f.size_bytes,
    'fileCount', f.file_count, 'playbackPath', f.playback_path,
    'processingTimeMs', f.processing_time_ms, 'lengthMs', f.length_ms) ORDER BY f.format), '[]'::json)
  FROM recording_formats f WHERE f.record_id = r.record_id)`;

/**
 * One page and the total in one statement: the row of `t` carries the total even when the
 * page is empty (an offset past the end). Order: start time, then record id (unique), so
 * pages neither repeat nor skip a recording.
 *
 * The page's ids come first (`ids`), from a walk of the order's index that reads nothing
 * else (the state is in it); only those rows are then read (a nested loop, fenced by
 * `OFFSET 0`, whatever the planner guesses of the walk's size) and get their formats. A
 * formats subquery beside the OFFSET ran for every skipped row too: a page at offset 50,000
 * of 100,000 took 400 ms, against 5 for the walk alone. The walk costs its offset; with the
 * total known before it (counted by state), a page in the far half is walked to from the far
 * end, so no walk passes more than half the matches. Only one of the two walks runs: each
 * is gated on the total (a one-time filter).
 */
export function listQuery(q: RecordingsQuery): RawBuilder<ListRow> {
  const where = condition(q);
  const [dir, back] = q.newestFirst ? [sql`DESC`, sql`ASC`] : [sql`ASC`, sql`DESC`];
  const [offset, limit] = [sql`${q.offset}::bigint`, sql`${q.limit}::bigint`];
  const walk = (
    d: RawBuilder<unknown>,
    gate: RawBuilder<unknown>,
    skip: RawBuilder<unknown>,
    take: RawBuilder<unknown>,
  ) =>
    sql`SELECT r.record_id FROM recordings r WHERE ${where} AND ${gate}
      ORDER BY r.starts_at ${d}, r.record_id ${d} OFFSET ${skip} LIMIT ${take}`;
  const counted = countedTotal(q);
  // Backward: the page's last match is (total - offset - limit) from the end; a last page
  // shorter than `limit` keeps only its own (total - offset). Constant inner LIMITs keep the
  // planner's estimates at a page (a LIMIT it cannot see sizes at 10 % of the table).
  const ids = counted
    ? sql`(${walk(dir, sql`${offset} * 2 < t.total`, offset, limit)}) UNION ALL (SELECT record_id FROM (${walk(
        back,
        sql`${offset} * 2 >= t.total`,
        sql`greatest(t.total - ${offset} - ${limit}, 0)`,
        limit,
      )}) AS last LIMIT greatest(least(${limit}, t.total - ${offset}), 0))`
    : walk(dir, sql`true`, offset, limit);
  const total = counted ?? sql<number>`(SELECT count(*) FROM recordings r WHERE ${where})`;
  return sql<ListRow>`SELECT t.total, p.*
    FROM (SELECT ${total}::int AS total OFFSET 0) AS t LEFT JOIN LATERAL (
      SELECT r.*, ${FORMATS} AS formats
      FROM (${ids}) AS ids
      CROSS JOIN LATERAL (SELECT * FROM recordings r WHERE r.record_id = ids.record_id OFFSET 0) AS r
    ) AS p ON true
    ORDER BY p.starts_at ${dir}, p.record_id ${dir}`;
}
