import type { Redis } from 'ioredis';
import type { Database } from './database/database.js';
import type { NatsBus } from './nats/nats-bus.js';

/** How long a dependency may take to answer a readiness probe before it counts as away. */
export const READINESS_DEADLINE_MS = 1000;

export type ReadinessCheck = () => Promise<Record<string, boolean>>;

/**
 * Readiness as a round trip to each dependency, not a remembered connection state:
 * NATS must answer a PING (a client that is reconnecting cannot), Redis a PING,
 * PostgreSQL a `SELECT 1`, each within `deadlineMs`. Redis and PostgreSQL are checked
 * only where the service has them.
 */
export function dependencyReadiness(
  bus: NatsBus,
  redis: Redis | null,
  database: Database | null = null,
  deadlineMs = READINESS_DEADLINE_MS,
): ReadinessCheck {
  return async (): Promise<Record<string, boolean>> => {
    const [nats, red, db] = await Promise.all([
      answersWithin(() => natsPing(bus), deadlineMs),
      redis ? answersWithin(() => redis.ping(), deadlineMs) : Promise.resolve(undefined),
      database ? answersWithin(() => database.ping(), deadlineMs) : Promise.resolve(undefined),
    ]);
    return {
      nats,
      ...(red === undefined ? {} : { redis: red }),
      ...(db === undefined ? {} : { database: db }),
    };
  };
}

function natsPing(bus: NatsBus): Promise<unknown> {
  const c = bus.connection;
  if (c.isClosed() || c.isDraining()) return Promise.reject(new Error('closed'));
  return c.flush();
}

/** true when `call` settles successfully before the deadline; never throws, never waits longer. */
async function answersWithin(call: () => Promise<unknown>, deadlineMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  try {
    return await Promise.race([
      call().then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
