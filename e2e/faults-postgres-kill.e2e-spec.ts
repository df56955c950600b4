import { CONNECT_TIMEOUT_MS, STATEMENT_TIMEOUT_MS } from '@ensemble/shared';
import { startPostgres, waitFor, type PostgresServer } from '@ensemble/testing';
import { FaultStack } from './faults.test-support.js';
import { Client, signUp } from './rooms.test-support.js';

const PASSWORD = 'correct horse battery';
/**
 * The longest a request may wait on PostgreSQL: a connection (2 s), a statement (5 s, the
 * client gives up a second later), plus the NATS request a join makes (3 s here) and a
 * margin for a shared machine. Bounded waiting is the behaviour asserted; speed is the bench's.
 */
const DEADLINE_MS = CONNECT_TIMEOUT_MS + STATEMENT_TIMEOUT_MS + 1000 + 3000 + 3000;

interface Outcome {
  what: string;
  /** HTTP status, or how the request failed without one. */
  status: number | 'connection error' | 'past its deadline';
  code?: string;
  ms: number;
}

const outcomes: Outcome[] = [];

/** One request of the load: its answer, recorded (a connection error or a hang is recorded, not thrown). */
async function call(
  client: Client,
  what: string,
  method: string,
  path: string,
  body?: unknown,
  // oxlint-disable-next-line typescript/no-explicit-any
): Promise<{ status: number; body: any } | undefined> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), DEADLINE_MS + 5000)));
  try {
    const r = await Promise.race([client.json(method, path, body), late]);
    const ms = Date.now() - started;
    if (r === 'late') return void outcomes.push({ what, status: 'past its deadline', ms });
    outcomes.push({ what, status: r.status, code: r.body?.error?.code, ms });
    return r;
  } catch {
    outcomes.push({ what, status: 'connection error', ms: Date.now() - started });
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

const tokens = (room: { moderatorLink: string; participantLink: string }) => ({
  moderator: room.moderatorLink.split('/j/')[1]!,
  participant: room.participantLink.split('/j/')[1]!,
});
type Links = ReturnType<typeof tokens>;

/** What one owner did to one room, in order: each write acknowledged (2xx) or not. */
interface RoomHistory {
  id: string;
  names: Array<{ name: string; acked: boolean }>;
  links: Array<{ links: Links | undefined; acked: boolean }>;
}

/** The value a room must hold: the last acknowledged write's, or that of a later write whose answer was an error (it may have committed). */
function allowed<T>(history: Array<{ acked: boolean } & T>): { acked: T; maybe: T[] } {
  const last = history.map((h) => h.acked).lastIndexOf(true);
  return { acked: history[last]!, maybe: history.slice(last + 1) };
}

/**
 * kill -9 of the PostgreSQL postmaster while sign-ups, room creations, renames, link
 * rotations and joins run, then a restart on the same data (crash recovery).
 */
describe('PostgreSQL killed with kill -9 under a mixed load', () => {
  let postgres: PostgresServer;
  const s = new FaultStack();
  beforeAll(async () => {
    // Commits acknowledged only once written out, as in production: a kill loses none of them.
    postgres = await startPostgres({ durableCommits: true });
    await s.start({ nodes: 2, postgres });
  }, 60_000);
  afterAll(async () => {
    await s.stop();
    await postgres?.stop();
  });

  it('keeps every acknowledged write, answers every other request with a typed error within its deadline, and recovers by itself', async () => {
    const signedUp: string[] = [];
    const owners = await Promise.all([1, 2, 3].map((i) => signUp(s.gateway.url, `Owner ${i}`)));
    const histories = owners.map(() => [] as RoomHistory[]);
    // Rooms the joiners use: made before the load.
    const joinable: Links[] = [];
    for (const owner of owners) {
      const r = await owner.json('POST', '/api/rooms', { name: 'Joinable', engine: 'bbb' });
      expect(r.status).toBe(201);
      joinable.push(tokens(r.body));
    }

    let phase: 'before' | 'down' | 'after' = 'before';
    const failuresDuring = { before: 0, down: 0, after: 0 };
    const successesAfter = new Set<string>();
    const load = { running: true };
    const signUps = async (worker: number) => {
      for (let i = 0; load.running; i++) {
        const email = `kill-${worker}-${i}-${Date.now()}@example.org`;
        const r = await call(new Client(s.gateway.url), 'sign-up', 'POST', '/api/auth/register', {
          email,
          password: PASSWORD,
          name: 'Load',
        });
        if (r?.status === 201) signedUp.push(email);
        if (r?.status === 201 && phase === 'after') successesAfter.add(`sign-up ${worker}`);
        if (r?.status !== 201) failuresDuring[phase]++;
      }
    };
    const roomWrites = async (owner: Client, rooms: RoomHistory[], worker: number) => {
      for (let i = 0; load.running; i++) {
        const created = await call(owner, 'create room', 'POST', '/api/rooms', { name: `R${i}`, engine: 'bbb' });
        if (created?.status === 201) {
          rooms.push({
            id: created.body.id,
            names: [{ name: `R${i}`, acked: true }],
            links: [{ links: tokens(created.body), acked: true }],
          });
          if (phase === 'after') successesAfter.add(`rooms ${worker}`);
        } else failuresDuring[phase]++;
        const room = rooms[i % Math.max(rooms.length, 1)];
        if (!room) continue;
        const name = `R${i}-renamed`;
        const renamed = await call(owner, 'rename room', 'PATCH', `/api/rooms/${room.id}`, { name });
        room.names.push({ name, acked: renamed?.status === 200 });
        const rotated = await call(owner, 'rotate links', 'POST', `/api/rooms/${room.id}/links/rotate`);
        room.links.push({
          links: rotated?.status === 200 ? tokens(rotated.body) : undefined,
          acked: rotated?.status === 200,
        });
      }
    };
    const joins = async (worker: number) => {
      for (let i = 0; load.running; i++) {
        const room = joinable[i % joinable.length]!;
        const r = await call(new Client(s.gateway.url), 'join', 'POST', `/api/join/${room.moderator}`, {
          displayName: `Joiner ${worker}`,
        });
        if (r?.status === 200 && phase === 'after') successesAfter.add(`join ${worker}`);
      }
    };
    const workers = Promise.all([
      signUps(1),
      signUps(2),
      ...owners.map((o, i) => roomWrites(o, histories[i]!, i)),
      joins(1),
      joins(2),
    ]);

    await waitFor(
      'writes acknowledged before the kill',
      () => signedUp.length >= 3 && histories.every((h) => h.length >= 1),
      {
        timeoutMs: 20_000,
      },
    );
    await postgres.kill();
    phase = 'down';
    await waitFor('requests answered while PostgreSQL is down', () => failuresDuring.down >= 5, { timeoutMs: 20_000 });
    await postgres.restart();
    phase = 'after';
    // The services were not restarted: each kind of work succeeds again by itself.
    await waitFor('every worker succeeding again', () => successesAfter.size >= 2 + owners.length + 2, {
      timeoutMs: 30_000,
    });
    load.running = false;
    await workers;

    // Every request was answered: 2xx, or a typed error (never a 500, a reset, a hang).
    const bad = outcomes.filter(
      (o) =>
        typeof o.status !== 'number' ||
        o.status === 500 ||
        (o.status >= 400 && typeof o.code !== 'string') ||
        o.ms > DEADLINE_MS,
    );
    expect(bad).toEqual([]);
    const errors = outcomes.filter((o) => typeof o.status === 'number' && o.status >= 400);
    expect(errors.length).toBeGreaterThan(0);
    expect([...new Set(errors.map((o) => `${o.status} ${o.code}`))].sort()).toEqual(
      expect.arrayContaining(['503 unavailable']),
    );
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    process.stdout.write(
      `faults-postgres-kill: ${outcomes.length} requests, ${errors.length} typed errors ` +
        `(${[...new Set(errors.map((o) => `${o.status} ${o.code}`))].join(', ')}), slowest ${slowest} ms\n`,
    );

    // Every acknowledged sign-up logs in.
    for (const email of signedUp) {
      const login = await new Client(s.gateway.url).json('POST', '/api/auth/login', { email, password: PASSWORD });
      expect({ email, status: login.status }).toEqual({ email, status: 200 });
    }
    // Every acknowledged room is there, with its last acknowledged name and links (or a later write's).
    for (const [i, owner] of owners.entries()) {
      const listed = await owner.json('GET', '/api/rooms');
      expect(listed.status).toBe(200);
      // oxlint-disable-next-line typescript/no-explicit-any
      const byId = new Map<string, any>(listed.body.rooms.map((r: { id: string }) => [r.id, r]));
      for (const history of histories[i]!) {
        const room = byId.get(history.id);
        expect({ id: history.id, found: room !== undefined }).toEqual({ id: history.id, found: true });
        const names = allowed(history.names);
        expect([names.acked.name, ...names.maybe.map((m) => m.name)]).toContain(room.name);
        const links = allowed(history.links);
        const now = tokens(room);
        if (links.maybe.length === 0) expect(now).toEqual(links.acked.links);
        const open = async (token: string) => (await new Client(s.gateway.url).json('GET', `/api/join/${token}`)).body;
        expect(await open(now.moderator)).toMatchObject({ role: 'moderator' });
        expect(await open(now.participant)).toMatchObject({ role: 'viewer' });
      }
    }

    // New writes of every kind work without restarting any service, the scheduler's too.
    const after = await signUp(s.gateway.url, 'After');
    const room = await after.json('POST', '/api/rooms', { name: 'After', engine: 'bbb' });
    expect(room.status).toBe(201);
    expect((await after.json('POST', `/api/rooms/${room.body.id}/links/rotate`)).status).toBe(200);
    const node = s.sim.nodes[0]!;
    expect((await s.ops('PATCH', `/api/ops/nodes/${node.id}`, { tags: ['after-crash'] })).status).toBe(200);
    expect((await fetch(`${s.gateway.url}/readyz`)).status).toBe(200);
  }, 120_000);
});
