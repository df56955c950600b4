import { Database, Logger, recordingTokenSha256 } from '@ensemble/shared';
import type { PreviousVersionData } from '@ensemble/testing';
import { sql } from 'kysely';
import { NodesRepository } from '../fleet/nodes.repository.js';
import type { SchedulerTables } from './schema.js';

const connect = (url: string) => Database.connect(url, new Logger('test', 'error'), 'test');

/** What the scheduler at migration 001 wrote: a node, by its frozen INSERT. */
export const schedulerVersion001: PreviousVersionData<{ id: string }> = {
  async seed(url) {
    const database = connect(url);
    try {
      await sql`INSERT INTO nodes (id, engine, url, secret, tags, load_multiplier, state, enable_when_healthy,
          prometheus_instance, created_at)
        VALUES ('bbb-old', 'bbb', 'https://old.example.org/bigbluebutton/', 'secret-old', '{eu}', 2, 'enabled', false,
          NULL, 1700000000000)`.execute(database.typed());
      return { id: 'bbb-old' };
    } finally {
      await database.close();
    }
  },

  /** The node reads back whole, holds no token (cannot upload), and a new node takes one. */
  async check(url, seeded) {
    const database = connect(url);
    try {
      const nodes = new NodesRepository(database.typed<SchedulerTables>());
      expect(await nodes.get(seeded.id)).toMatchObject({ url: 'https://old.example.org/bigbluebutton/', tags: ['eu'] });
      const h = recordingTokenSha256('new-token');
      const fresh = { ...(await nodes.get(seeded.id))!, id: 'bbb-new', url: 'https://new.example.org/bigbluebutton/' };
      expect((await nodes.register(fresh, h)).outcome).toBe('added');
      expect(await nodes.byRecordingToken(h)).toEqual({ nodeId: 'bbb-new' });
    } finally {
      await database.close();
    }
  },
};
