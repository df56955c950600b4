import { roomSettingsSchema } from '@ensemble/contracts';
import { Database, Logger, parseConfig } from '@ensemble/shared';
import { startNats, startPostgres, startRedis, type PostgresServer, type TestServer } from '@ensemble/testing';
import { Redis } from 'ioredis';
import { hashPassword } from '../accounts/password.js';
import { startGateway, type RunningGateway } from '../bootstrap.js';
import { gatewayEnvSchema } from '../config.js';
import type { GatewayTables } from '../db/schema.js';
import { importFromRedis } from './import-command.js';
import { oldCreateRoom, oldRegister, oldRotate, type OldRoom, type OldUser } from './old-redis-format.test-support.js';
import { IMPORT_COMMAND } from './redis-keys.js';

const PASSWORD = 'correct horse battery';

describe('migrate from-redis: accounts, rooms and links of the Redis version, into PostgreSQL', () => {
  let nats: TestServer;
  let redisServer: TestServer;
  let postgres: PostgresServer;
  let redis: Redis;
  let databaseUrl: string;
  let gateway: RunningGateway;
  const logs: string[] = [];
  const env = () => ({ REDIS_URL: redisServer.url, DATABASE_URL: databaseUrl });
  const run = async () => {
    const out: string[] = [];
    const report = await importFromRedis(env(), (l) => void out.push(l));
    return { report, out: out.join('\n') };
  };

  let ada: OldUser;
  let clash: OldUser;
  let maths: OldRoom;
  let rotated: OldRoom;
  let beforeRotation: OldRoom;
  let orphan: OldRoom;

  beforeAll(async () => {
    [nats, redisServer, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
    databaseUrl = await postgres.createDatabase();
    redis = new Redis(redisServer.url);
    const passwordHash = await hashPassword(PASSWORD);
    ada = { id: 'u_ada', email: 'ada@example.org', name: 'Ada', passwordHash, createdAt: 1_700_000_000_000 };
    clash = { id: 'u_bob_old', email: 'bob@example.org', name: 'Bob', passwordHash, createdAt: 1_700_000_001_000 };
    for (const u of [ada, clash]) if (!(await oldRegister(redis, u))) throw new Error(`old sign-up of ${u.id} refused`);
    const settings = roomSettingsSchema.parse({ muteOnJoin: true });
    maths = await oldCreateRoom(redis, { ownerId: ada.id, name: 'Maths', engine: 'bbb', settings, createdAt: 1 });
    beforeRotation = await oldCreateRoom(redis, {
      ownerId: ada.id,
      name: 'Physics',
      engine: 'bbb',
      settings: roomSettingsSchema.parse({}),
      createdAt: 2,
    });
    rotated = await oldRotate(redis, beforeRotation);
    orphan = await oldCreateRoom(redis, { ownerId: clash.id, name: 'Bob’s', engine: 'bbb', settings, createdAt: 3 });

    // The gateway of the new version starts on the upgraded installation: its tables are empty.
    gateway = await startGateway(
      parseConfig('gateway-api', gatewayEnvSchema, {
        NATS_URL: nats.url,
        ...env(),
        GATEWAY_PORT: '0',
        OPS_TOKEN: 'import-ops-token-0123456789',
      }),
      { logSink: (l) => void logs.push(l) },
    );
    // Someone signed up with Bob's e-mail on the new version before the import ran.
    const database = Database.connect(databaseUrl, new Logger('test', 'error'), 'test');
    await database
      .typed<GatewayTables>()
      .insertInto('users')
      .values({ id: 'u_bob_new', email: clash.email, name: 'Bob', password_hash: 'x', created_at: new Date() })
      .execute();
    await database.close();
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    redis?.disconnect();
    await Promise.all([nats?.stop(), redisServer?.stop(), postgres?.stop()]);
  });

  it('warns at start, naming the command, when PostgreSQL has no accounts and Redis still has some', () => {
    const warning = logs.find((l) => l.includes('still in Redis'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning!)).toMatchObject({ level: 'warn', command: IMPORT_COMMAND });
  });

  it('copies users, rooms and links, reports the clashing e-mail, and prints no secret', async () => {
    const { report, out } = await run();
    expect(report.users).toEqual({
      copied: 1,
      alreadyThere: 0,
      skipped: [{ id: clash.id, reason: expect.stringContaining('e-mail already belongs to another account') }],
    });
    expect(report.rooms).toMatchObject({ copied: 2, alreadyThere: 0 });
    expect(report.rooms.skipped).toEqual([{ id: orphan.id, reason: expect.stringContaining('owner') }]);
    expect(out).toContain('users: 1 copied, 0 already there, 1 skipped');
    expect(out).toContain('rooms: 2 copied, 0 already there, 1 skipped');
    for (const secret of [ada.passwordHash, maths.moderatorToken, maths.participantToken, rotated.moderatorToken])
      expect(out).not.toContain(secret);
    expect(out).not.toContain(ada.email);
  });

  it('lets the user log in with the old password and see their rooms, with the links they had', async () => {
    const login = await fetch(`${gateway.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: gateway.url },
      body: JSON.stringify({ email: ada.email, password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(`${gateway.url}/api/rooms`, { headers: { cookie } });
    const { rooms } = (await res.json()) as {
      rooms: {
        id: string;
        name: string;
        moderatorLink: string;
        participantLink: string;
        createdAt: number;
        settings: Record<string, unknown>;
      }[];
    };
    expect(rooms.map((r) => r.name)).toEqual(['Physics', 'Maths']);
    const m = rooms.find((r) => r.id === maths.id)!;
    expect(m.moderatorLink.endsWith(`/j/${maths.moderatorToken}`)).toBe(true);
    expect(m.participantLink.endsWith(`/j/${maths.participantToken}`)).toBe(true);
    expect(m.settings).toMatchObject({ muteOnJoin: true });
  });

  it('opens the room with both old link tokens, and not with links rotated away before the upgrade', async () => {
    const info = async (token: string) => {
      const r = await fetch(`${gateway.url}/api/join/${token}`);
      return { status: r.status, body: await r.json() };
    };
    expect(await info(maths.moderatorToken)).toEqual({
      status: 200,
      // An imported room has no access code, asks for no sign-in and lists no recordings.
      body: { roomName: 'Maths', engine: 'bbb', role: 'moderator', code: 'none', requireSignIn: false, recordings: [] },
    });
    expect(await info(maths.participantToken)).toEqual({
      status: 200,
      body: { roomName: 'Maths', engine: 'bbb', role: 'viewer', code: 'none', requireSignIn: false, recordings: [] },
    });
    expect((await info(rotated.participantToken)).status).toBe(200);
    expect((await info(beforeRotation.participantToken)).status).toBe(404);
  });

  it('changes nothing when run again: everything copied is already there, the clashes are reported again', async () => {
    const { report, out } = await run();
    expect(report.users).toMatchObject({ copied: 0, alreadyThere: 1 });
    expect(report.users.skipped.map((s) => s.id)).toEqual([clash.id]);
    expect(report.rooms).toMatchObject({ copied: 0, alreadyThere: 2 });
    expect(report.rooms.skipped.map((s) => s.id)).toEqual([orphan.id]);
    expect(out).toContain('users: 0 copied, 1 already there, 1 skipped');
  });

  it('keeps the account that was in PostgreSQL first when the e-mails clash', async () => {
    const database = Database.connect(databaseUrl, new Logger('test', 'error'), 'test');
    const rows = await database
      .typed<GatewayTables>()
      .selectFrom('users')
      .select('id')
      .where('email', '=', clash.email)
      .execute();
    await database.close();
    expect(rows).toEqual([{ id: 'u_bob_new' }]);
  });

  it('names the bad variable and copies nothing when DATABASE_URL is not a PostgreSQL URL', async () => {
    await expect(importFromRedis({ ...env(), DATABASE_URL: 'mysql://x' }, () => {})).rejects.toThrow(/DATABASE_URL/);
  });
});
