import { Database, Logger } from '@ensemble/shared';
import type { PreviousVersionData } from '@ensemble/testing';
import { sql } from 'kysely';
import { RecordingsRepository } from '../recordings/recordings.repository.js';
import type { GatewayTables } from './schema.js';
import { gatewayVersion002 } from './version-002.test-support.js';

const connect = (url: string) => Database.connect(url, new Logger('test', 'error'), 'test');
type Seeded002 = Awaited<ReturnType<typeof gatewayVersion002.seed>>;

/**
 * What the gateway at migration 003 wrote: 002's data and indexed recordings, three
 * sharing a start (003's statements, frozen here), one of them deleted.
 */
export const gatewayVersion003: PreviousVersionData<Seeded002> = {
  async seed(url) {
    const seeded = await gatewayVersion002.seed(url);
    const database = connect(url);
    try {
      const db = database.typed();
      await sql`INSERT INTO recordings (record_id, meeting_id, internal_meeting_id, name, state, starts_at, ends_at,
          participants, metadata, node_id)
        SELECT 'v3-' || i, 'm-v3', 'v3-' || i, 'V3', CASE WHEN i = 2 THEN 'deleted' ELSE 'published' END,
          to_timestamp(1700000000 + CASE WHEN i < 3 THEN 0 ELSE i END), to_timestamp(1700000600), 1, '{}', 'bbb-1'
        FROM generate_series(5, 0, -1) AS i`.execute(db);
      await sql`INSERT INTO recording_formats (record_id, format, digest, prefix, size_bytes, file_count, playback_path)
        SELECT record_id, 'presentation', ${'e'.repeat(64)}, 'recordings/' || record_id || '/p/', 1, 1, 'index.html'
        FROM recordings WHERE meeting_id = 'm-v3'`.execute(db);
      return seeded;
    } finally {
      await database.close();
    }
  },

  /** 002's checks, and 003's recordings paged in their order (start, then id), the deleted one filtered out. */
  async check(url, seeded) {
    await gatewayVersion002.check(url, seeded);
    const database = connect(url);
    try {
      const repo = new RecordingsRepository(database.typed<GatewayTables>());
      const ids = async (offset: number, newestFirst = false) =>
        (
          await repo.list({ meetingIds: ['m-v3'], states: ['published'], newestFirst, offset, limit: 3 })
        ).recordings.map((r) => r.recordId);
      expect(await ids(0)).toEqual(['v3-0', 'v3-1', 'v3-3']);
      expect(await ids(3)).toEqual(['v3-4', 'v3-5']);
      expect(await ids(0, true)).toEqual(['v3-5', 'v3-4', 'v3-3']);
      // Beside 002's check's recording (started in 1970), over the whole index.
      const all = await repo.list({ states: ['published'], offset: 0, limit: 3 });
      expect(all.total).toBe(6);
      expect(all.recordings.map((r) => [r.recordId, r.formats.length])).toEqual([
        ['r1', 1],
        ['v3-0', 1],
        ['v3-1', 1],
      ]);
    } finally {
      await database.close();
    }
  },
};
