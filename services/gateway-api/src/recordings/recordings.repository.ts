import { guardedSql } from '@ensemble/shared';
import { sql, type Kysely } from 'kysely';
import type { GatewayTables, RecordingState } from '../db/schema.js';
import { ROOM_MEETING_ID_REGEX } from '../meetings/room-bbb-params.js';
import { listQuery, type ListRow, type RecordingsQuery } from './recordings-list.query.js';

export { listQuery, type RecordingsQuery } from './recordings-list.query.js';

/** One format of a recording, as stored. */
export interface RecordingFormat {
  format: string;
  /** sha-256 of the uploaded archive, hex. */
  digest: string;
  /** recordings/<record id>/<format>/<digest>/ in the bucket. */
  prefix: string;
  sizeBytes: number;
  fileCount: number;
  /** The player's entry below `prefix`, e.g. `index.html` or `video/webcams.webm`. */
  playbackPath: string;
  processingTimeMs: number;
  lengthMs: number;
}

/** A recording as the index holds it. Times in ms. */
export interface Recording {
  recordId: string;
  meetingId: string;
  internalMeetingId: string;
  name: string;
  state: RecordingState;
  startTime: number;
  endTime: number;
  participants: number;
  /** meta_* parameters, keys without the prefix. */
  metadata: Record<string, string>;
  nodeId: string;
  /** The tenant whose meeting made it (decision 110): set by the index at the first upload. */
  tenant: string;
  formats: RecordingFormat[];
}

/** A recording as an upload describes it: its tenant is the index's to decide (`tenantOfNew`). */
export type UploadedRecording = Omit<Recording, 'formats' | 'tenant'>;

export interface RecordingsPage {
  /** All recordings matching the filters (BBB's totalElements). */
  total: number;
  recordings: Recording[];
}

/** The state of a recording indexed for the first time: deleted if its web room is gone. */
const stateOfNew = (r: Pick<Recording, 'meetingId' | 'state'>) =>
  sql<RecordingState>`CASE WHEN ${r.meetingId} ~ ${ROOM_MEETING_ID_REGEX}
    AND NOT EXISTS (SELECT 1 FROM rooms WHERE id = substr(${r.meetingId}, 5)) THEN 'deleted' ELSE ${r.state} END`;

/**
 * The tenant of a recording indexed for the first time, read in the same statement: a web
 * room's meeting (`web-r…`) is its room owner's tenant's (decision 115; the default tenant's
 * when the room is gone, and then it is indexed deleted, `stateOfNew`); any other is the
 * tenant whose name prefixes its (node) meetingID, `<tenant>~…`, when that tenant exists
 * (decision 110); else the default tenant's.
 */
const tenantOfNew = (r: Pick<Recording, 'meetingId'>) =>
  sql<string>`CASE WHEN ${r.meetingId} ~ ${ROOM_MEETING_ID_REGEX}
    THEN coalesce((SELECT u.tenant FROM rooms JOIN users u ON u.id = rooms.owner_id
      WHERE rooms.id = substr(${r.meetingId}, 5)), 'default')
    ELSE coalesce((SELECT t.name FROM tenants t WHERE t.name <> 'default'
      AND position('~' in ${r.meetingId}) > 1 AND t.name = split_part(${r.meetingId}, '~', 1)), 'default') END`;

const recordingOf = (r: Omit<ListRow, 'total'> & { record_id: string }): Recording => ({
  recordId: r.record_id,
  meetingId: r.meeting_id,
  internalMeetingId: r.internal_meeting_id,
  name: r.name,
  state: r.state,
  startTime: new Date(r.starts_at).getTime(),
  endTime: new Date(r.ends_at).getTime(),
  participants: r.participants,
  metadata: r.metadata,
  nodeId: r.node_id,
  tenant: r.tenant,
  // json_build_object gives int8 as JSON numbers: nothing to convert.
  formats: r.formats,
});

/**
 * The recordings index in PostgreSQL (decision 102). Each read and each write is one
 * statement, except `index`, whose transaction makes a recording and its format visible
 * together.
 */
export class RecordingsRepository {
  constructor(private readonly db: Kysely<GatewayTables>) {}

  async list(q: RecordingsQuery): Promise<RecordingsPage> {
    const rows = await guardedSql('recordings list', async () => (await listQuery(q).execute(this.db)).rows);
    const total = rows[0]?.total ?? 0;
    const recordings = rows.flatMap((r) =>
      r.record_id === null ? [] : [recordingOf({ ...r, record_id: r.record_id })],
    );
    return { total, recordings };
  }

  async get(recordId: string): Promise<Recording | undefined> {
    return (await this.list({ recordIds: [recordId], offset: 0, limit: 1 })).recordings[0];
  }

  /** The digest indexed for this format, if any: the same digest again is a no-op. */
  async digestOf(recordId: string, format: string): Promise<string | undefined> {
    const row = await guardedSql('recording digest', () =>
      this.db
        .selectFrom('recording_formats')
        .select('digest')
        .where('record_id', '=', recordId)
        .where('format', '=', format)
        .executeTakeFirst(),
    );
    return row?.digest;
  }

  /**
   * Makes an uploaded format visible: upserts the recording (its state stays as the index
   * has it once indexed: an unpublish or delete through the API wins over a re-upload) and
   * the format row, in one transaction. Returns the prefix this replaced, if any. A first
   * upload for a web room's meeting whose room is gone is indexed deleted: deleting a room
   * deletes its recordings, the ones still processing then too (decision 106). Its tenant is
   * set once, at the first upload (`tenantOfNew`), and never moved by a later one.
   */
  async index(recording: UploadedRecording, format: RecordingFormat): Promise<string | undefined> {
    const r = {
      meeting_id: recording.meetingId,
      internal_meeting_id: recording.internalMeetingId,
      name: recording.name,
      starts_at: new Date(recording.startTime),
      ends_at: new Date(recording.endTime),
      participants: recording.participants,
      metadata: JSON.stringify(recording.metadata),
      node_id: recording.nodeId,
    };
    const f = {
      digest: format.digest,
      prefix: format.prefix,
      size_bytes: format.sizeBytes,
      file_count: format.fileCount,
      playback_path: format.playbackPath,
      processing_time_ms: format.processingTimeMs,
      length_ms: format.lengthMs,
    };
    return guardedSql('recording index', () =>
      this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('recordings')
          .values({
            record_id: recording.recordId,
            state: stateOfNew(recording),
            tenant: tenantOfNew(recording),
            ...r,
          })
          .onConflict((oc) => oc.column('record_id').doUpdateSet({ ...r, updated_at: sql<Date>`now()` }))
          .execute();
        // The old prefix, read under the row lock the upsert below takes anyway.
        const old = await tx
          .selectFrom('recording_formats')
          .select('prefix')
          .where('record_id', '=', recording.recordId)
          .where('format', '=', format.format)
          .forUpdate()
          .executeTakeFirst();
        await tx
          .insertInto('recording_formats')
          .values({ record_id: recording.recordId, format: format.format, ...f })
          .onConflict((oc) => oc.columns(['record_id', 'format']).doUpdateSet({ ...f, updated_at: sql<Date>`now()` }))
          .execute();
        return old && old.prefix !== format.prefix ? old.prefix : undefined;
      }),
    );
  }

  /**
   * publish/unpublish/delete: the ids changed (unknown ones are left out). `only` narrows it
   * in the same statement: to one meeting's recordings (a room's owner acts on that room's
   * only), and to some current states (a deleted recording is never published again).
   */
  async setState(
    recordIds: readonly string[],
    state: RecordingState,
    only: { meetingId?: string; states?: readonly RecordingState[] } = {},
  ): Promise<string[]> {
    const rows = await guardedSql('recording state', () => {
      let q = this.db
        .updateTable('recordings')
        .set({ state, updated_at: sql<Date>`now()` })
        .where('record_id', '=', sql<string>`ANY(${[...recordIds]}::text[])`);
      if (only.meetingId !== undefined) q = q.where('meeting_id', '=', only.meetingId);
      if (only.states) q = q.where('state', '=', sql<RecordingState>`ANY(${[...only.states]}::text[])`);
      return q.returning('record_id').execute();
    });
    return rows.map((r) => r.record_id);
  }

  /** updateRecordings: sets `set`'s keys and removes `remove`'s; the ids changed. */
  async updateMeta(
    recordIds: readonly string[],
    set: Readonly<Record<string, string>>,
    remove: readonly string[] = [],
  ): Promise<string[]> {
    const rows = await guardedSql('recording meta', () =>
      this.db
        .updateTable('recordings')
        .set({
          metadata: sql`(metadata || ${JSON.stringify(set)}::jsonb) - ${[...remove]}::text[]`,
          updated_at: sql<Date>`now()`,
        })
        .where('record_id', '=', sql<string>`ANY(${[...recordIds]}::text[])`)
        .returning('record_id')
        .execute(),
    );
    return rows.map((r) => r.record_id);
  }

  /** Of these record ids, the formats in storage (ids the index lacks are left out): a node's removal asks. */
  async storedFormats(recordIds: readonly string[]): Promise<{ recordId: string; formats: string[] }[]> {
    if (recordIds.length === 0) return [];
    const rows = await guardedSql('recordings stored', () =>
      this.db
        .selectFrom('recording_formats')
        .select(['record_id', 'format'])
        .where('record_id', '=', sql<string>`ANY(${[...recordIds]}::text[])`)
        .execute(),
    );
    const byId = new Map<string, string[]>();
    for (const r of rows) byId.set(r.record_id, [...(byId.get(r.record_id) ?? []), r.format]);
    return [...byId].map(([recordId, formats]) => ({ recordId, formats }));
  }

  /** Of these storage prefixes, the ones a format row points at (the sweeper keeps those). */
  async referenced(prefixes: readonly string[]): Promise<Set<string>> {
    if (prefixes.length === 0) return new Set();
    const rows = await guardedSql('recording prefixes', () =>
      this.db
        .selectFrom('recording_formats')
        .select('prefix')
        .where('prefix', '=', sql<string>`ANY(${[...prefixes]}::text[])`)
        .execute(),
    );
    return new Set(rows.map((r) => r.prefix));
  }
}
