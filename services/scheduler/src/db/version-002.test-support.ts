import { Database, Logger, recordingTokenSha256 } from '@ensemble/shared';
import type { PreviousVersionData } from '@ensemble/testing';
import { sql } from 'kysely';
import { NodesRepository } from '../fleet/nodes.repository.js';
import type { SchedulerTables } from './schema.js';

const connect = (url: string) => Database.connect(url, new Logger('test', 'error'), 'test');
const TOKEN_HASH = recordingTokenSha256('token-of-bbb-002');

/** What the scheduler at migration 002 wrote: a node with its upload token's hash, by its frozen INSERT. */
export const schedulerVersion002: PreviousVersionData<{ id: string }> = {
  async seed(url) {
    const database = connect(url);
    try {
      await sql`INSERT INTO nodes (id, engine, url, secret, tags, load_multiplier, state, enable_when_healthy,
          prometheus_instance, created_at, recording_token_hash)
        VALUES ('bbb-002', 'bbb', 'https://two.example.org/bigbluebutton/', 'secret-two', '{}', 1, 'enabled', false,
          NULL, 1700000000000, ${TOKEN_HASH})`.execute(database.typed());
      return { id: 'bbb-002' };
    } finally {
      await database.close();
    }
  },

  /** Its token still resolves to it; removed, the token is retired for the grace given. */
  async check(url, seeded) {
    const database = connect(url);
    try {
      const nodes = new NodesRepository(database.typed<SchedulerTables>());
      expect(await nodes.byRecordingToken(TOKEN_HASH)).toEqual({ nodeId: seeded.id });
      expect(await nodes.remove(seeded.id, 3600)).toMatchObject({ id: seeded.id });
      expect(await nodes.byRecordingToken(TOKEN_HASH)).toMatchObject({ nodeId: seeded.id });
    } finally {
      await database.close();
    }
  },
};
