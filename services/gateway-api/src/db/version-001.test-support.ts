import { roomSettingsSchema } from '@ensemble/contracts';
import { DEFAULT_TENANT, Database, Logger } from '@ensemble/shared';
import { sql } from 'kysely';
import { hashPassword, verifyPassword } from '../accounts/password.js';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { CreateParamsRepository } from '../bbb-api/create-params.repository.js';
import { AuditRepository } from '../ops/audit.repository.js';
import { linkHash, newLinkToken } from '../rooms/link-token.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import type { GatewayTables } from './schema.js';
import type { PreviousVersionData } from '@ensemble/testing';

const PASSWORD = 'correct horse battery';

interface Seeded {
  roomId: string;
  moderatorToken: string;
  participantToken: string;
}

const connect = (url: string) => Database.connect(url, new Logger('test', 'error'), 'test');

/**
 * What the gateway at migration 001 wrote: a user and a room with both links, by the
 * statements of its accounts and rooms repositories (frozen here, as they were).
 */
export const gatewayVersion001: PreviousVersionData<Seeded> = {
  async seed(url) {
    const database = connect(url);
    try {
      const [m, p] = [newLinkToken(), newLinkToken()];
      const passwordHash = await hashPassword(PASSWORD);
      await sql`INSERT INTO users (id, email, name, password_hash, created_at)
        VALUES ('u_ada', 'ada@example.org', 'Ada', ${passwordHash}, ${new Date(1_700_000_000_000)})
        ON CONFLICT (email) DO NOTHING`.execute(database.typed());
      const settings = JSON.stringify(roomSettingsSchema.parse({ welcome: 'Hello' }));
      await sql`INSERT INTO rooms (id, owner_id, name, engine, settings, moderator_token, participant_token,
          moderator_hash, participant_hash, created_at)
        VALUES ('r_maths', 'u_ada', 'Maths', 'bbb', ${settings}, ${m}, ${p}, ${linkHash(m)}, ${linkHash(p)},
          ${new Date(1_700_000_001_000)})`.execute(database.typed());
      return { roomId: 'r_maths', moderatorToken: m, participantToken: p };
    } finally {
      await database.close();
    }
  },

  /** The user logs in, sees the room, both links open it; the tables of 002 take writes next to them. */
  async check(url, seeded) {
    const database = connect(url);
    try {
      const db = database.typed<GatewayTables>();
      const user = await new AccountsRepository(db).byEmail(DEFAULT_TENANT, 'ada@example.org');
      expect(user).toMatchObject({ id: 'u_ada', name: 'Ada', createdAt: 1_700_000_000_000 });
      expect(await verifyPassword(PASSWORD, user!.passwordHash)).toBe(true);
      const rooms = new RoomsRepository(db);
      expect((await rooms.list('u_ada')).map((r) => [r.id, r.name, r.settings.welcome])).toEqual([
        [seeded.roomId, 'Maths', 'Hello'],
      ]);
      expect(await rooms.byLink(seeded.moderatorToken, DEFAULT_TENANT)).toMatchObject({ linkRole: 'moderator' });
      expect(await rooms.byLink(seeded.participantToken, DEFAULT_TENANT)).toMatchObject({
        room: { id: seeded.roomId },
        linkRole: 'viewer',
      });
      const create = { query: 'meetingID=m&name=M', nodeId: 'bbb-1', at: Date.now() };
      await new CreateParamsRepository(db).save('m', create, 3600);
      expect(await new CreateParamsRepository(db).get('m')).toEqual(create);
      const audit = new AuditRepository(db);
      await audit.append({
        actor: 'ops',
        actorKind: 'ops-token',
        action: 'node.remove',
        target: 'bbb-1',
        clientAddress: null,
        details: {},
      });
      expect((await audit.page({ limit: 10 })).events).toHaveLength(1);
      // Deleting the user still takes the room with it (the cascade of 001).
      expect(await new AccountsRepository(db).remove('u_ada')).toBe(true);
      expect(await rooms.byLink(seeded.participantToken, DEFAULT_TENANT)).toBeNull();
    } finally {
      await database.close();
    }
  },
};
