import type { Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
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
  ...over,
});

describe('the accounts repository on PostgreSQL', () => {
  let server: PostgresServer;
  let database: Database;
  let accounts: AccountsRepository;
  let rooms: RoomsRepository;

  beforeAll(async () => {
    server = await startGatewayPostgres();
  });
  beforeEach(async () => {
    const made = await gatewayDatabase(server);
    database = made.database;
    accounts = new AccountsRepository(made.db);
    rooms = new RoomsRepository(made.db);
  });
  afterEach(() => database?.close());
  afterAll(() => server?.stop());

  it('stores a user and finds it by id and by email, every field as written', async () => {
    const user = aUser();
    expect(await accounts.create(user)).toBe(true);
    expect(await accounts.byId(user.id)).toEqual(user);
    expect(await accounts.byEmail(user.email)).toEqual(user);
  });

  it('answers null for a user or an email it does not hold', async () => {
    expect(await accounts.byId('u_nobody')).toBeNull();
    expect(await accounts.byEmail('nobody@example.org')).toBeNull();
  });

  it('refuses a second account with a taken email and keeps the first one whole', async () => {
    const first = aUser({ email: 'taken@example.org' });
    expect(await accounts.create(first)).toBe(true);
    expect(await accounts.create(aUser({ email: 'taken@example.org', name: 'Intruder' }))).toBe(false);
    expect(await accounts.byEmail('taken@example.org')).toEqual(first);
  });

  it('lets exactly one of many simultaneous sign-ups with one email win', async () => {
    const attempts = Array.from({ length: 8 }, () => aUser({ email: 'race@example.org' }));
    const won = await Promise.all(attempts.map((u) => accounts.create(u)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = attempts[won.indexOf(true)]!;
    expect((await accounts.byEmail('race@example.org'))?.id).toBe(winner.id);
  });

  it('deletes an account with its rooms, and their links open nothing afterwards', async () => {
    const owner = aUser();
    const other = aUser();
    await Promise.all([accounts.create(owner), accounts.create(other)]);
    const mine = await rooms.create(owner.id, 'Mine', 'bbb', { ...defaults });
    const theirs = await rooms.create(other.id, 'Theirs', 'bbb', { ...defaults });

    expect(await accounts.remove(owner.id)).toBe(true);

    expect(await accounts.byId(owner.id)).toBeNull();
    expect(await rooms.get(mine.id)).toBeNull();
    expect(await rooms.list(owner.id)).toEqual([]);
    expect(await rooms.byLink(mine.moderatorToken)).toBeNull();
    expect(await rooms.byLink(mine.participantToken)).toBeNull();
    expect((await rooms.byLink(theirs.participantToken))?.room.id).toBe(theirs.id);
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
