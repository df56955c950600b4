import { Redis, type RedisOptions } from 'ioredis';
import { DomainError, isDomainError } from '@ensemble/contracts';
import type { Logger } from './logger.js';

/**
 * `redis+sentinel://[:password@]host:port[,host:port...]/primaryName[?db=N]`: ask these
 * Sentinels for the current primary (and again after a failover); anything else is a
 * plain Redis URL.
 */
export function sentinelOptions(url: string): RedisOptions | null {
  const m = /^redis\+sentinel:\/\/(?:(?:[^:@/]*):([^@/]*)@)?([^/]+)\/([A-Za-z0-9._-]+)(?:\?db=(\d+))?$/.exec(url);
  if (!m) return null;
  const sentinels = m[2]!.split(',').map((hostPort) => {
    const i = hostPort.lastIndexOf(':');
    return i < 0
      ? { host: hostPort, port: 26379 }
      : { host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) };
  });
  return {
    sentinels,
    name: m[3]!,
    ...(m[1] ? { password: decodeURIComponent(m[1]) } : {}),
    ...(m[4] ? { db: Number(m[4]) } : {}),
  };
}

/**
 * One ioredis client per process. Commands issued while Redis is away fail
 * fast (no offline queue) so callers answer `unavailable` instead of hanging.
 */
export function createRedis(url: string, logger: Logger, name: string): Redis {
  const common: RedisOptions = {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    lazyConnect: true,
  };
  const sentinel = sentinelOptions(url);
  const redis = sentinel ? new Redis({ ...common, ...sentinel }) : new Redis(url, common);
  let down = false;
  redis.on('error', (e: Error) => {
    if (!down) logger.warn('redis error', { error: e.message });
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis reconnected');
    down = false;
  });
  return redis;
}

/** Redis trouble becomes `unavailable` (503 + Retry-After at the HTTP edge), never a crash. */
export async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isDomainError(e)) throw e;
    throw new DomainError('unavailable', `state store unavailable (${what})`);
  }
}
