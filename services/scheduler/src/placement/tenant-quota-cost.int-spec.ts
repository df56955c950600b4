import { parseConfig } from '@ensemble/shared';
import { startRedis, type TestServer } from '@ensemble/testing';
import { Redis } from 'ioredis';
import { placementOptionsFrom, schedulerEnvSchema } from '../config.js';
import { keys } from '../keys.js';
import { defineSchedulerScripts } from '../scripts.js';
import { PlacementStore, type PlaceInput } from './placement.store.js';
import type { TenantRule } from './tenant-rule.js';

const MANY = 2000;

/**
 * A quota check reads the tenant's counts, never its rooms nor anyone else's (decision 112):
 * the Redis commands place.lua runs are the same for a tenant of one room as for one of
 * thousands, beside thousands of other rooms.
 */
describe('the cost of a placement with tenant quotas', () => {
  let server: TestServer;
  let redis: Redis;
  let store: PlacementStore;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    const scripts = defineSchedulerScripts(redis);
    const config = parseConfig('scheduler', schedulerEnvSchema, {
      NATS_URL: 'nats://127.0.0.1:1',
      REDIS_URL: server.url,
      DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
    });
    store = new PlacementStore(scripts, placementOptionsFrom(config));
    // One node, online, in a Redis a scheduler has seen (no re-learning).
    await scripts.registerNode('n1', 'bbb', 'http://127.0.0.1:1/b/', 'secret-n1', 'enabled', 1, '', 0, 0, '');
    await redis.hset(keys.node('n1'), 'health', 'online');
    await redis.set(keys.epoch, Date.now());
    for (let i = 0; i < MANY; i++) {
      await store.place(input(`bbb:big~m${i}`, tenant('big'), i % 2 === 0));
      await store.place(input(`bbb:m${i}`, tenant('default'), false));
    }
    await store.place(input('bbb:small~m0', tenant('small'), true));
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  const tenant = (name: string): TenantRule => ({
    name,
    tags: [],
    weight: 1,
    maxMeetings: 1_000_000,
    maxParticipants: 1_000_000,
  });
  const input = (roomKey: string, t: TenantRule, join: boolean): PlaceInput => ({
    roomKey,
    engine: 'bbb',
    size: undefined,
    join,
    stickyOnly: false,
    tenant: t,
  });

  /** Redis commands one placement runs inside its script. */
  async function commandsOf(p: PlaceInput): Promise<number> {
    await redis.config('RESETSTAT');
    await store.place(p);
    const stats = (await redis.info('commandstats')).split('\n');
    let calls = 0;
    for (const line of stats) {
      const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
      if (m && !['evalsha', 'eval', 'info', 'config|resetstat', 'script|load'].includes(m[1]!)) calls += Number(m[2]);
    }
    return calls;
  }

  it('runs as many Redis commands for a tenant of thousands of rooms as for one of a single room', async () => {
    expect(await redis.zcard(keys.tenantRooms('big'))).toBe(MANY);
    // A join of a running meeting (the hot path) and a new meeting.
    const joinBig = await commandsOf(input('bbb:big~m1', tenant('big'), true));
    const joinSmall = await commandsOf(input('bbb:small~m0', tenant('small'), true));
    expect(joinBig).toBe(joinSmall);
    const newBig = await commandsOf(input('bbb:big~new', tenant('big'), true));
    const newSmall = await commandsOf(input('bbb:small~new', tenant('small'), true));
    expect(newBig).toBe(newSmall);
    expect(newBig).toBeLessThan(60);
  });
});
