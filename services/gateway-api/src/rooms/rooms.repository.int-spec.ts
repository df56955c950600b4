import { roomSettingsSchema } from '@ensemble/contracts';
import { DEFAULT_TENANT, type Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
import { sql, type Kysely } from 'kysely';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { gatewayDatabase, startGatewayPostgres } from '../db/gateway-db.test-support.js';
import type { GatewayTables } from '../db/schema.js';
import { linkHash } from './link-token.js';
import { RoomsRepository } from './rooms.repository.js';

const settings = roomSettingsSchema.parse({});

describe('the rooms repository on PostgreSQL', () => {
  let server: PostgresServer;
  let database: Database;
  let db: Kysely<GatewayTables>;
  let rooms: RoomsRepository;
  const owner = 'u_owner';
  const stranger = 'u_stranger';

  beforeAll(async () => {
    server = await startGatewayPostgres();
  });
  beforeEach(async () => {
    ({ database, db } = await gatewayDatabase(server));
    rooms = new RoomsRepository(db);
    const accounts = new AccountsRepository(db);
    for (const id of [owner, stranger])
      await accounts.create({
        id,
        email: `${id}@example.org`,
        name: id,
        passwordHash: 'h',
        createdAt: Date.now(),
        tenant: DEFAULT_TENANT,
      });
  });
  afterEach(() => database?.close());
  afterAll(() => server?.stop());

  it('creates a room with two distinct links and reads it back as created', async () => {
    const room = await rooms.create(owner, 'Algebra', 'bbb', { ...settings, welcome: 'Hi' });
    expect(room).toMatchObject({ ownerId: owner, name: 'Algebra', engine: 'bbb', settings: { welcome: 'Hi' } });
    expect(room.id).toMatch(/^r[A-Za-z0-9_-]{12}$/);
    expect(room.moderatorToken).not.toBe(room.participantToken);
    expect(await rooms.get(room.id)).toEqual(room);
  });

  it('keeps only the hashes of the links searchable, each in a unique index', async () => {
    const room = await rooms.create(owner, 'Indexed', 'bbb', settings);
    const row = await db.selectFrom('rooms').selectAll().where('id', '=', room.id).executeTakeFirstOrThrow();
    expect([row.moderator_hash, row.participant_hash]).toEqual([
      linkHash(room.moderatorToken),
      linkHash(room.participantToken),
    ]);
    const unique = await sql<{ indexdef: string }>`SELECT indexdef FROM pg_indexes WHERE tablename = 'rooms'`.execute(
      db,
    );
    const defs = unique.rows.map((r) => r.indexdef).join('\n');
    expect(defs).toMatch(/UNIQUE INDEX \S+ ON public\.rooms USING btree \(moderator_hash\)/);
    expect(defs).toMatch(/UNIQUE INDEX \S+ ON public\.rooms USING btree \(participant_hash\)/);
  });

  it('opens a room by either link with the link role, and nothing by an unknown or malformed token', async () => {
    const room = await rooms.create(owner, 'Links', 'jitsi', settings);
    expect(await rooms.byLink(room.moderatorToken, DEFAULT_TENANT)).toEqual({ room, linkRole: 'moderator' });
    expect(await rooms.byLink(room.participantToken, DEFAULT_TENANT)).toEqual({ room, linkRole: 'viewer' });
    expect(await rooms.byLink('A'.repeat(43), DEFAULT_TENANT)).toBeNull();
    expect(await rooms.byLink("' OR 1=1 --", DEFAULT_TENANT)).toBeNull();
  });

  it("lists an owner's rooms newest first, and no one else's", async () => {
    const first = await rooms.create(owner, 'First', 'bbb', settings);
    await new Promise((r) => setTimeout(r, 5));
    const second = await rooms.create(owner, 'Second', 'bbb', settings);
    await rooms.create(stranger, 'Not yours', 'bbb', settings);
    expect((await rooms.list(owner)).map((r) => r.id)).toEqual([second.id, first.id]);
  });

  it('merges settings and renames only for the owner', async () => {
    const room = await rooms.create(owner, 'Old name', 'bbb', { ...settings, welcome: 'kept' });
    expect(await rooms.update(room.id, stranger, { name: 'Stolen' })).toBeNull();
    const updated = await rooms.update(room.id, owner, { name: 'New name', settings: { muteOnJoin: true } });
    expect(updated).toMatchObject({ name: 'New name', settings: { muteOnJoin: true, welcome: 'kept' } });
    expect(await rooms.update(room.id, owner, { settings: { record: true } })).toMatchObject({
      name: 'New name',
      settings: { muteOnJoin: true, record: true, welcome: 'kept' },
    });
    expect(await rooms.get(room.id)).toMatchObject({ name: 'New name' });
  });

  it('keeps both of two simultaneous setting changes', async () => {
    const room = await rooms.create(owner, 'Busy', 'bbb', settings);
    await Promise.all([
      rooms.update(room.id, owner, { settings: { muteOnJoin: true } }),
      rooms.update(room.id, owner, { settings: { record: true } }),
    ]);
    expect((await rooms.get(room.id))?.settings).toMatchObject({ muteOnJoin: true, record: true });
  });

  it('rotates both links for the owner only: the old ones open nothing, the new ones open the room', async () => {
    const room = await rooms.create(owner, 'Rotating', 'bbb', settings);
    expect(await rooms.rotate(room.id, stranger)).toBeNull();
    expect((await rooms.byLink(room.moderatorToken, DEFAULT_TENANT))?.room.id).toBe(room.id);
    const rotated = await rooms.rotate(room.id, owner);
    expect(rotated).not.toBeNull();
    expect(await rooms.byLink(room.moderatorToken, DEFAULT_TENANT)).toBeNull();
    expect(await rooms.byLink(room.participantToken, DEFAULT_TENANT)).toBeNull();
    expect((await rooms.byLink(rotated!.moderatorToken, DEFAULT_TENANT))?.linkRole).toBe('moderator');
    expect((await rooms.byLink(rotated!.participantToken, DEFAULT_TENANT))?.linkRole).toBe('viewer');
  });

  it('leaves exactly one valid pair of links after two rotations at once', async () => {
    const room = await rooms.create(owner, 'Contended', 'bbb', settings);
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all([rooms.rotate(room.id, owner), rooms.rotate(room.id, owner)]);
      const pairs = answers.map((r) => [r!.moderatorToken, r!.participantToken] as const);
      const opens = await Promise.all(
        pairs.map(
          async ([m, p]) =>
            (await rooms.byLink(m, DEFAULT_TENANT)) !== null && (await rooms.byLink(p, DEFAULT_TENANT)) !== null,
        ),
      );
      expect(opens.filter(Boolean)).toHaveLength(1);
      const stored = await rooms.get(room.id);
      expect(pairs[opens.indexOf(true)]).toEqual([stored!.moderatorToken, stored!.participantToken]);
      // No half pair either: a link of the losing rotation opens nothing.
      const lost = pairs[opens.indexOf(false)]!;
      expect(await Promise.all(lost.map((t) => rooms.byLink(t, DEFAULT_TENANT)))).toEqual([null, null]);
    }
  });

  it('deletes a room for the owner only, with its links', async () => {
    const room = await rooms.create(owner, 'Doomed', 'bbb', settings);
    expect(await rooms.remove(room.id, stranger)).toBe(false);
    expect(await rooms.get(room.id)).not.toBeNull();
    expect(await rooms.remove(room.id, owner)).toBe(true);
    expect(await rooms.get(room.id)).toBeNull();
    expect(await rooms.byLink(room.moderatorToken, DEFAULT_TENANT)).toBeNull();
    expect(await rooms.byLink(room.participantToken, DEFAULT_TENANT)).toBeNull();
    expect(await rooms.remove(room.id, owner)).toBe(false);
  });

  it('refuses a room for an owner who does not exist, as bad input', async () => {
    await expect(rooms.create('u_ghost', 'Orphan', 'bbb', settings)).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('finds a link through the unique indexes of the hashes, never by scanning the rooms', async () => {
    const room = await rooms.create(owner, 'Planned', 'bbb', settings);
    // Enough rooms that a scan would cost more than the index (the planner picks a scan for tiny tables).
    await sql`
      INSERT INTO rooms (id, owner_id, name, engine, settings, moderator_token, participant_token,
                         moderator_hash, participant_hash, created_at)
      SELECT 'rfill' || i, ${owner}, 'Filler', 'bbb', '{}', 'm' || i, 'p' || i, md5('m' || i), md5('p' || i), now()
      FROM generate_series(1, 5000) AS i`.execute(db);
    await sql`ANALYZE rooms`.execute(db);
    const hash = linkHash(room.participantToken);
    const plan = await sql<{ 'QUERY PLAN': string }>`
      EXPLAIN SELECT * FROM rooms WHERE moderator_hash = ${hash} OR participant_hash = ${hash}`.execute(db);
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).not.toMatch(/Seq Scan/);
    expect(text).toMatch(/rooms_moderator_hash_key/);
    expect(text).toMatch(/rooms_participant_hash_key/);
    expect((await rooms.byLink(room.participantToken, DEFAULT_TENANT))?.room.id).toBe(room.id);
  });
});
