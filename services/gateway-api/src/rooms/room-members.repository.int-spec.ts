import { roomSettingsSchema } from '@ensemble/contracts';
import { DEFAULT_TENANT, type Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
import type { Kysely } from 'kysely';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { gatewayDatabase, startGatewayPostgres } from '../db/gateway-db.test-support.js';
import type { GatewayTables } from '../db/schema.js';
import { RoomMembersRepository } from './room-members.repository.js';
import { RoomsRepository } from './rooms.repository.js';

const settings = roomSettingsSchema.parse({});

/** Shared rooms on PostgreSQL (migration 009, decision 123). */
describe('room members on PostgreSQL', () => {
  let server: PostgresServer;
  let database: Database;
  let db: Kysely<GatewayTables>;
  let rooms: RoomsRepository;
  let members: RoomMembersRepository;
  let accounts: AccountsRepository;
  const [owner, co, stranger, elsewhere] = ['u_owner', 'u_co', 'u_stranger', 'u_elsewhere'];

  beforeAll(async () => {
    server = await startGatewayPostgres();
  });
  beforeEach(async () => {
    ({ database, db } = await gatewayDatabase(server));
    rooms = new RoomsRepository(db);
    members = new RoomMembersRepository(db);
    accounts = new AccountsRepository(db);
    await db.insertInto('tenants').values({ name: 'other' }).execute();
    for (const [id, tenant] of [
      [owner, DEFAULT_TENANT],
      [co, DEFAULT_TENANT],
      [stranger, DEFAULT_TENANT],
      [elsewhere, 'other'],
    ] as const)
      await accounts.create({
        id,
        email: id === elsewhere ? `${co}@example.org` : `${id}@example.org`,
        name: id,
        passwordHash: 'h',
        createdAt: Date.now(),
        tenant,
      });
  });
  afterEach(() => database?.close());
  afterAll(() => server?.stop());

  it('gives a co-owner the room to see, list, edit and rotate, and nobody else', async () => {
    const room = await rooms.create(owner, 'Shared', 'bbb', settings);
    const user = (await members.userByEmail(DEFAULT_TENANT, `${co}@example.org`))!;
    expect(user.id).toBe(co); // not the other tenant's account of the same e-mail
    const member = await members.add(room.id, user);
    expect(await members.add(room.id, user)).toEqual(member);
    expect(await members.list(room.id)).toEqual([member]);

    expect((await rooms.accessible(room.id, co))?.access).toBe('co-owner');
    expect((await rooms.accessible(room.id, owner))?.access).toBe('owner');
    expect(await rooms.accessible(room.id, stranger)).toBeNull();
    expect((await rooms.list(co)).map((r) => [r.id, r.access])).toEqual([[room.id, 'co-owner']]);
    expect(await rooms.list(stranger)).toEqual([]);
    expect((await rooms.update(room.id, co, { name: 'Renamed', requireSignIn: true }))?.requireSignIn).toBe(true);
    expect(await rooms.update(room.id, stranger, { name: 'Mine' })).toBeNull();
    expect(await rooms.rotate(room.id, co)).not.toBeNull();
    expect(await rooms.rotate(room.id, stranger)).toBeNull();
    // Deleting stays the owner's.
    expect(await rooms.remove(room.id, co)).toBe(false);

    expect(await members.remove(room.id, co)).toBe(true);
    expect(await members.remove(room.id, co)).toBe(false);
    expect(await rooms.accessible(room.id, co)).toBeNull();
  });

  it('drops a share with its user or its room', async () => {
    const [a, b] = [await rooms.create(owner, 'A', 'bbb', settings), await rooms.create(owner, 'B', 'bbb', settings)];
    const user = (await members.userByEmail(DEFAULT_TENANT, `${co}@example.org`))!;
    await members.add(a.id, user);
    await members.add(b.id, user);
    expect(await rooms.remove(a.id, owner)).toBe(true);
    expect((await rooms.list(co)).map((r) => r.id)).toEqual([b.id]);
    expect(await accounts.remove(co)).toBe(true);
    expect(await members.list(b.id)).toEqual([]);
  });
});
