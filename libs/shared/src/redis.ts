import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * One ioredis client per process. Commands issued while Redis is away fail
 * fast (no offline queue) so callers answer `unavailable` instead of hanging.
 */
export function createRedis(url: string, logger: Logger, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    lazyConnect: true,
  });
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
