import { Database, Logger } from '@ensemble/shared';
import type { PreviousVersionData } from '@ensemble/testing';
import { sql } from 'kysely';
import { CreateParamsRepository } from '../bbb-api/create-params.repository.js';
import { RecordingsRepository } from '../recordings/recordings.repository.js';
import type { GatewayTables } from './schema.js';
import { gatewayVersion001 } from './version-001.test-support.js';

const connect = (url: string) => Database.connect(url, new Logger('test', 'error'), 'test');
type Seeded001 = Awaited<ReturnType<typeof gatewayVersion001.seed>>;

/**
 * What the gateway at migration 002 wrote: 001's user and room and a meeting's create call
 * (002's statement, frozen here; 001's check writes the audit log itself).
 */
export const gatewayVersion002: PreviousVersionData<Seeded001> = {
  async seed(url) {
    const seeded = await gatewayVersion001.seed(url);
    const database = connect(url);
    try {
      await sql`INSERT INTO bbb_create_params (meeting_id, node_id, query, body, content_type, created_at, expires_at)
        VALUES ('m-kept', 'bbb-1', 'meetingID=m-kept&name=Kept', NULL, NULL, now(), now() + interval '1 hour')`.execute(
        database.typed(),
      );
      return seeded;
    } finally {
      await database.close();
    }
  },

  /** 001's and 002's data read back through today's repositories; the recordings index takes writes beside them. */
  async check(url, seeded) {
    await gatewayVersion001.check(url, seeded);
    const database = connect(url);
    try {
      const db = database.typed<GatewayTables>();
      expect(await new CreateParamsRepository(db).get('m-kept')).toMatchObject({ query: 'meetingID=m-kept&name=Kept' });
      const recordings = new RecordingsRepository(db);
      const digest = 'd'.repeat(64);
      const recording = {
        recordId: 'r1',
        meetingId: 'm-kept',
        internalMeetingId: 'r1',
        name: 'Kept',
        state: 'published' as const,
        startTime: 1,
        endTime: 2,
        participants: 1,
        metadata: {},
        nodeId: 'bbb-1',
      };
      const format = {
        format: 'presentation',
        digest,
        prefix: `recordings/r1/presentation/${digest}/`,
        sizeBytes: 1,
        fileCount: 1,
        playbackPath: 'index.html',
        processingTimeMs: 0,
        lengthMs: 1,
      };
      await recordings.index(recording, format);
      expect((await recordings.list({ meetingIds: ['m-kept'], offset: 0, limit: 10 })).total).toBe(1);
    } finally {
      await database.close();
    }
  },
};
