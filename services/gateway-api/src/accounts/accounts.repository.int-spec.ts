import { DEFAULT_TENANT, type Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
import { sql } from 'kysely';
import { gatewayDatabase, startGatewayPostgres } from '../db/gateway-db.test-support.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import { AccountsRepository, type StoredUser } from './accounts.repository.js';

let n = 0;
const aUser = (over: Partial<StoredUser> = {}): StoredUser => ({
  id: `u_test${++n}`,
  email: `person${n}@example.org`,
  name: `Person ${n}`,
  passwordHash: `scrypt$hash${n}`,
  createdAt: 1_700_000_000_123 + n,
  tenant: DEFAULT_TENANT,
  role: 'user',
  approved: true,
  ...over,
});

describe('the accounts repository on PostgreSQL', () => {
  let server: PostgresServer;
  let database: Database;
  let accounts: AccountsRepository;
  let rooms: RoomsRepository;
  let made: Awaited<ReturnType<typeof gatewayDatabase>>;

  beforeAll(async () => {
    server = await startGatewayPostgres();
  });
  beforeEach(async () => {
    made = await gatewayDatabase(server);
    database = made.database;
    accounts = new AccountsRepository(made.db);
    rooms = new RoomsRepository(made.db);
  });
  afterEach(() => database?.close());
  afterAll(() => server?.stop());

  it('stores a user and finds it by id and by email, every field as written', async () => {
    const user = aUser();
    expect(await accounts.create(user)).toBe(true);
    expect(await accounts.byId(DEFAULT_TENANT, user.id)).toEqual(user);
    expect(await accounts.byEmail(DEFAULT_TENANT, user.email)).toEqual(user);
  });

  it('answers null for a user or an email it does not hold', async () => {
    expect(await accounts.byId(DEFAULT_TENANT, 'u_nobody')).toBeNull();
    expect(await accounts.byEmail(DEFAULT_TENANT, 'nobody@example.org')).toBeNull();
  });

  it('refuses a second account with a taken email and keeps the first one whole', async () => {
    const first = aUser({ email: 'taken@example.org' });
    expect(await accounts.create(first)).toBe(true);
    expect(await accounts.create(aUser({ email: 'taken@example.org', name: 'Intruder' }))).toBe(false);
    expect(await accounts.byEmail(DEFAULT_TENANT, 'taken@example.org')).toEqual(first);
  });

  it('lets exactly one of many simultaneous sign-ups with one email win', async () => {
    const attempts = Array.from({ length: 8 }, () => aUser({ email: 'race@example.org' }));
    const won = await Promise.all(attempts.map((u) => accounts.create(u)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = attempts[won.indexOf(true)]!;
    expect((await accounts.byEmail(DEFAULT_TENANT, 'race@example.org'))?.id).toBe(winner.id);
  });

  it('keeps one account per email in each tenant, found only within its own', async () => {
    await sql`INSERT INTO tenants (name) VALUES ('uni-a')`.execute(made.db);
    const here = aUser({ email: 'same@example.org' });
    const there = aUser({ email: 'same@example.org', tenant: 'uni-a', name: 'Same at A' });
    expect(await accounts.create(here)).toBe(true);
    expect(await accounts.create(there)).toBe(true);
    expect(await accounts.create(aUser({ email: 'same@example.org', tenant: 'uni-a' }))).toBe(false);
    expect(await accounts.byEmail(DEFAULT_TENANT, 'same@example.org')).toEqual(here);
    expect(await accounts.byEmail('uni-a', 'same@example.org')).toEqual(there);
    expect(await accounts.byEmail('uni-b', 'same@example.org')).toBeNull();
    expect(await accounts.byId('uni-a', there.id)).toEqual(there);
    expect(await accounts.byId(DEFAULT_TENANT, there.id)).toBeNull();
    expect(await accounts.byId('uni-a', here.id)).toBeNull();
  });

  it("opens a room's links only on its owner's tenant", async () => {
    await sql`INSERT INTO tenants (name) VALUES ('uni-a')`.execute(made.db);
    const owner = aUser({ tenant: 'uni-a' });
    await accounts.create(owner);
    const room = await rooms.create(owner.id, 'At A', 'bbb', { ...defaults });
    expect((await rooms.byLink(room.moderatorToken, 'uni-a'))?.room.id).toBe(room.id);
    expect(await rooms.byLink(room.moderatorToken, DEFAULT_TENANT)).toBeNull();
    expect(await rooms.byLink(room.participantToken, 'uni-b')).toBeNull();
  });

  it('refuses an account of a tenant that does not exist', async () => {
    await expect(accounts.create(aUser({ tenant: 'nowhere' }))).rejects.toThrow();
  });

  it('deletes an account with its rooms, and their links open nothing afterwards', async () => {
    const owner = aUser();
    const other = aUser();
    await Promise.all([accounts.create(owner), accounts.create(other)]);
    const mine = await rooms.create(owner.id, 'Mine', 'bbb', { ...defaults });
    const theirs = await rooms.create(other.id, 'Theirs', 'bbb', { ...defaults });

    expect(await accounts.remove(owner.id)).toBe(true);

    expect(await accounts.byId(DEFAULT_TENANT, owner.id)).toBeNull();
    expect(await rooms.get(mine.id)).toBeNull();
    expect(await rooms.list(owner.id)).toEqual([]);
    expect(await rooms.byLink(mine.moderatorToken, DEFAULT_TENANT)).toBeNull();
    expect(await rooms.byLink(mine.participantToken, DEFAULT_TENANT)).toBeNull();
    expect((await rooms.byLink(theirs.participantToken, DEFAULT_TENANT))?.room.id).toBe(theirs.id);
    expect(await accounts.remove(owner.id)).toBe(false);
  });
});

const defaults = {
  muteOnJoin: false,
  requireApproval: false,
  allJoinAsModerator: false,
  anyoneCanStart: false,
  welcome: '',
  maxParticipants: 0,
  record: false,
};
