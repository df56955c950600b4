import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BbbSim } from '@ensemble/bbb-sim';
import { startPostgres, type PostgresServer } from '@ensemble/testing';
import { FaultStack } from './faults.test-support.js';
import { enter } from './meeting.test-support.js';
import { Client, signUp } from './rooms.test-support.js';

const root = new URL('../', import.meta.url).pathname;
const PASSWORD = 'correct horse battery';

/** `npm run db:backup` / `db:restore` (scripts/db.mjs) against a server given by URL. */
async function db(command: 'backup' | 'restore', dir: string, url: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [`${root}scripts/db.mjs`, command, dir, '--url', url]);
  return stdout;
}

/** The same database name on another server. */
const moved = (url: string, to: PostgresServer) => `${to.url.replace(/\/[^/]*$/, '')}${new URL(url).pathname}`;
const token = (link: string) => link.split('/j/')[1]!;

/**
 * A stack's records (an account, rooms with current and rotated-away links, nodes with
 * operator-set states) dumped with pg_dump, restored into a new PostgreSQL server, and a
 * new stack (fresh Redis and NATS too) started on the restored databases.
 */
describe('a backup restored into a new PostgreSQL server', () => {
  let sim: BbbSim;
  let fresh: PostgresServer;
  let restored: FaultStack;
  const dir = mkdtempSync(join(tmpdir(), 'ensemble-backup-'));
  const email = `backup-${Date.now()}@example.org`;
  const before = {
    rooms: [] as Array<{ id: string; name: string; moderatorLink: string; participantLink: string }>,
    rotatedAway: [] as string[],
    // oxlint-disable-next-line typescript/no-explicit-any
    nodes: [] as any[],
    listing: '',
  };

  beforeAll(async () => {
    sim = await BbbSim.start({ nodes: 3 });
    const first = await new FaultStack().start({ sim });
    try {
      const owner = await signUp(first.gateway.url, 'Ada', email);
      for (const name of ['Maths', 'Physics']) {
        const r = await owner.json('POST', '/api/rooms', { name, engine: 'bbb' });
        if (r.status !== 201) throw new Error(`create room: ${r.status}`);
      }
      const [, rotatedRoom] = (await owner.json('GET', '/api/rooms')).body.rooms;
      const rotated = await owner.json('POST', `/api/rooms/${rotatedRoom.id}/links/rotate`);
      if (rotated.status !== 200) throw new Error(`rotate: ${rotated.status}`);
      before.rotatedAway = [rotatedRoom.moderatorLink, rotatedRoom.participantLink];
      before.rooms = (await owner.json('GET', '/api/rooms')).body.rooms;
      if (before.rooms.length !== 2) throw new Error(`rooms before the backup: ${before.rooms.length}`);
      // Operator-set states the rule never changes by itself: disabled, a multiplier, tags.
      const [, second, third] = sim.nodes;
      for (const [node, change] of [
        [second!, { state: 'disabled' }],
        [third!, { loadMultiplier: 2, tags: ['big'] }],
      ] as const) {
        const res = await first.ops('PATCH', `/api/ops/nodes/${node.id}`, change);
        if (res.status !== 200) throw new Error(`patch ${node.id}: ${res.status}`);
      }
      before.nodes = (await first.nodes()).map(({ id, url, state, loadMultiplier, tags }) => ({
        id,
        url,
        state,
        loadMultiplier,
        tags,
      }));
      before.listing = await db('backup', dir, first.postgres.url);
    } finally {
      await first.stop();
    }
    fresh = await startPostgres();
    await db('restore', dir, fresh.url);
    restored = await new FaultStack().start({
      sim,
      registered: true, // the nodes come back from the restored inventory, not from a new registration
      postgres: fresh,
      databases: {
        gateway: moved(first.gatewayDatabaseUrl, fresh),
        scheduler: moved(first.schedulerDatabaseUrl, fresh),
      },
    });
  }, 120_000);

  afterAll(async () => {
    await restored?.stop();
    await fresh?.stop();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dumps every database of the server, the gateway’s and the scheduler’s included', () => {
    expect(before.listing).toMatch(/dumped test_\d+_\d+\n[\s\S]*dumped test_\d+_\d+\n/);
  });

  it('lets the person log in with their password and see their rooms', async () => {
    const person = new Client(restored.gateway.url);
    expect((await person.json('POST', '/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
    const rooms = await person.json('GET', '/api/rooms');
    expect(rooms.status).toBe(200);
    // The links' host is the gateway's (another one here); their tokens are the records.
    const pick = (r: { id: string; name: string; moderatorLink: string; participantLink: string }) => ({
      id: r.id,
      name: r.name,
      moderator: token(r.moderatorLink),
      participant: token(r.participantLink),
    });
    expect(rooms.body.rooms.map(pick).sort((a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id))).toEqual(
      before.rooms.map(pick).sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('opens each room through both current links with the right role, and joins land on a node of the fleet', async () => {
    // Not on the node the operator disabled before the backup.
    const nodeOrigins = sim.nodes.filter((_, i) => i !== 1).map((n) => new URL(n.baseUrl).origin);
    for (const room of before.rooms) {
      const guest = new Client(restored.gateway.url);
      expect(await guest.json('GET', `/api/join/${token(room.moderatorLink)}`)).toMatchObject({
        status: 200,
        body: { roomName: room.name, role: 'moderator' },
      });
      expect(await guest.json('GET', `/api/join/${token(room.participantLink)}`)).toMatchObject({
        status: 200,
        body: { roomName: room.name, role: 'viewer' },
      });
      const host = await guest.json('POST', `/api/join/${token(room.moderatorLink)}`, { displayName: 'Host' });
      expect(host).toMatchObject({ status: 200, body: { status: 'ready' } });
      expect(nodeOrigins).toContain(new URL(host.body.url).origin);
      await enter(host.body.url); // the moderator is in: the meeting runs, participants may join
      const viewer = await guest.json('POST', `/api/join/${token(room.participantLink)}`, { displayName: 'Guest' });
      expect(viewer).toMatchObject({ status: 200, body: { status: 'ready' } });
      expect(new URL(viewer.body.url).origin).toBe(new URL(host.body.url).origin);
    }
  });

  it('keeps the links rotated away before the backup dead', async () => {
    for (const link of before.rotatedAway) {
      const r = await new Client(restored.gateway.url).json('GET', `/api/join/${token(link)}`);
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 404, code: 'not-found' });
    }
  });

  it('brings the nodes back with their operator-set states, multipliers and tags', async () => {
    const now = (await restored.nodes()).map(({ id, url, state, loadMultiplier, tags }) => ({
      id,
      url,
      state,
      loadMultiplier,
      tags,
    }));
    expect(now.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [...before.nodes].sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(now.map((n) => [n.state, n.loadMultiplier, n.tags])).toEqual([
      ['enabled', 1, []],
      ['disabled', 1, []],
      ['enabled', 2, ['big']],
    ]);
  });
});
