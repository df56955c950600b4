import { startRedis, type TestServer } from '@ensemble/testing';
import { Redis } from 'ioredis';
import { RateLimitStore } from '../accounts/rate-limit.store.js';
import { hashAccessCode } from '../rooms/access-code.js';
import type { StoredRoom } from '../rooms/rooms.repository.js';
import { AccessCodeGate, codeNeedOf } from './access-code-gate.js';
import { keys } from './keys.js';

const room = (over: Partial<StoredRoom>): StoredRoom => ({
  id: 'rAAAAAAAAAAAA',
  ownerId: 'u1',
  name: 'Room',
  engine: 'bbb',
  settings: {
    muteOnJoin: false,
    requireApproval: false,
    allJoinAsModerator: false,
    anyoneCanStart: false,
    welcome: '',
    maxParticipants: 0,
    record: false,
  },
  moderatorToken: 'm',
  participantToken: 'p',
  createdAt: 0,
  viewerCodeHash: null,
  moderatorCodeHash: null,
  requireSignIn: false,
  recordingVisibility: 'unlisted',
  ...over,
});

/** The access-code check against a real Redis: counts, limits and attempts at the same moment. */
describe('AccessCodeGate', () => {
  let server: TestServer;
  let redis: Redis;
  let coded: StoredRoom;
  const status = (p: Promise<unknown>) =>
    p.then(
      (role) => String(role),
      (e: { code?: string }) => e.code ?? 'thrown',
    );

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    coded = room({
      viewerCodeHash: await hashAccessCode('view1234'),
      moderatorCodeHash: await hashAccessCode('mod12345'),
    });
  }, 60_000);
  beforeEach(() => redis.flushall());
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('asks for a code only on the participant link of a room that has one', () => {
    expect(codeNeedOf(room({}), 'viewer')).toBe('none');
    expect(codeNeedOf(coded, 'moderator')).toBe('none');
    expect(codeNeedOf(coded, 'viewer')).toBe('required');
    expect(codeNeedOf(room({ moderatorCodeHash: coded.moderatorCodeHash }), 'viewer')).toBe('optional');
  });

  it('lets exactly the allowed number of simultaneous wrong codes reach the hash; the rest are 429', async () => {
    const gate = new AccessCodeGate(new RateLimitStore(redis, 60), 100, 5);
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => status(gate.roleFor(coded, 'viewer', `guess${i}00`, '10.0.0.1'))),
    );
    expect(outcomes.filter((o) => o === 'forbidden')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'rate-limited')).toHaveLength(7);
    expect(await status(gate.roleFor(coded, 'viewer', 'view1234', '10.0.0.1'))).toBe('rate-limited');
    expect(await status(gate.roleFor(coded, 'viewer', 'view1234', '10.0.0.2'))).toBe('viewer');
  });

  it('gives a right code its count back, so many right joins never fill the counters', async () => {
    const gate = new AccessCodeGate(new RateLimitStore(redis, 60), 3, 3);
    for (let i = 0; i < 10; i++)
      expect(await status(gate.roleFor(coded, 'viewer', 'mod12345', '10.0.0.1'))).toBe('moderator');
    expect(await redis.get(keys.codeFailuresOfRoom(coded.id))).toBe('0');
    expect(await redis.get(keys.codeFailuresFrom('10.0.0.1'))).toBe('0');
    expect(await redis.ttl(keys.codeFailuresOfRoom(coded.id))).toBeGreaterThan(0);
  });

  it('refuses a missing code where one is required, and joins as viewer without one where it is optional', async () => {
    const gate = new AccessCodeGate(new RateLimitStore(redis, 60), 3, 3);
    expect(await status(gate.roleFor(coded, 'viewer', undefined, '10.0.0.1'))).toBe('forbidden');
    expect(await status(gate.roleFor(coded, 'viewer', '  ', '10.0.0.1'))).toBe('forbidden');
    const optional = room({ id: 'rBBBBBBBBBBBB', moderatorCodeHash: coded.moderatorCodeHash });
    expect(await status(gate.roleFor(optional, 'viewer', undefined, '10.0.0.1'))).toBe('viewer');
    expect(await status(gate.roleFor(optional, 'viewer', 'view1234', '10.0.0.1'))).toBe('forbidden');
    expect(await status(gate.roleFor(coded, 'moderator', undefined, '10.0.0.1'))).toBe('moderator');
    // Missing codes are not guesses: nothing counted (the wrong one in the other room is its own).
    expect(await redis.get(keys.codeFailuresOfRoom(coded.id))).toBe(null);
  });
});
