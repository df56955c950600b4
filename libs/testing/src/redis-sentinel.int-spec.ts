import { startRedis, startSentinel, type TestServer } from './servers.js';
import { waitFor } from './wait-for.js';

import { Logger, createRedis, sentinelOptions } from '@ensemble/shared';

describe('Redis through Sentinel', () => {
  let primary: TestServer;
  let sentinel: TestServer;

  beforeAll(async () => {
    primary = await startRedis();
    sentinel = await startSentinel(primary.port);
  });
  afterAll(async () => {
    await sentinel?.stop();
    await primary?.stop();
  });

  it('reads a redis+sentinel URL into Sentinel options', () => {
    expect(sentinelOptions('redis+sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26380/ensemble?db=2')).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
      ],
      name: 'ensemble',
      password: 's3cret',
      db: 2,
    });
    expect(sentinelOptions('redis://127.0.0.1:6379')).toBeNull();
  });

  it('asks the Sentinel for the primary and works against it', async () => {
    const redis = createRedis(sentinel.url, new Logger('test', 'error'), 'test');
    try {
      await waitFor('a connection through Sentinel', async () => {
        await redis.connect().catch(() => undefined);
        return redis.status === 'ready';
      });
      await redis.set('through-sentinel', 'yes');
      const direct = createRedis(primary.url, new Logger('test', 'error'), 'direct');
      await direct.connect();
      expect(await direct.get('through-sentinel')).toBe('yes');
      direct.disconnect();
    } finally {
      redis.disconnect();
    }
  });
});
