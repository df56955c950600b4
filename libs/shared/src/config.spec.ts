import { z } from 'zod';
import { ConfigError, baseEnvSchema, databaseEnvSchema, parseConfig, port, redisEnvSchema } from './config.js';

const schema = baseEnvSchema
  .extend(redisEnvSchema.shape)
  .extend({ METRICS_PORT: port(9101), LIMIT: z.coerce.number().int().min(1).default(5) });

describe('config parsing', () => {
  it('fills defaults and freezes the result', () => {
    const c = parseConfig('svc', schema, {});
    expect(c).toMatchObject({
      NATS_URL: 'nats://127.0.0.1:4222',
      REDIS_URL: 'redis://127.0.0.1:6379',
      METRICS_PORT: 9101,
      LIMIT: 5,
      LOG_LEVEL: 'info',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig('svc', schema, { METRICS_PORT: '' }).METRICS_PORT).toBe(9101);
  });

  it.each([
    ['METRICS_PORT', '70000'],
    ['METRICS_PORT', 'eighty'],
    ['NATS_URL', 'http://127.0.0.1:4222'],
    ['REDIS_URL', 'localhost'],
    ['LOG_LEVEL', 'loud'],
    ['LIMIT', '0'],
  ])('names the bad variable %s=%s', (name, value) => {
    const attempt = () => parseConfig('svc', schema, { [name]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`^svc: invalid configuration: ${name}:`));
  });
});

describe('the database variable', () => {
  const withDb = baseEnvSchema.extend(databaseEnvSchema.shape);

  it('defaults to a local PostgreSQL and accepts postgres:// and postgresql:// URLs', () => {
    expect(parseConfig('svc', withDb, {}).DATABASE_URL).toBe('postgres://ensemble@127.0.0.1:5432/ensemble');
    const url = 'postgresql://u:p@db.internal:5432/ensemble?sslmode=require';
    expect(parseConfig('svc', withDb, { DATABASE_URL: url }).DATABASE_URL).toBe(url);
  });

  it('names DATABASE_URL when it is not a PostgreSQL URL', () => {
    expect(() => parseConfig('svc', withDb, { DATABASE_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /^svc: invalid configuration: DATABASE_URL:/,
    );
  });
});
