import type { Redis } from 'ioredis';
import { ConfigError, databaseEnvSchema, parseConfig, redisEnvSchema } from '../config.js';
import { Logger } from '../logger.js';
import { createRedis } from '../redis.js';
import { Database } from './database.js';
import { migrateToLatest, type Migrations } from './migrations.js';

/**
 * One service's import of what an older version kept in Redis (decision 090): its tables'
 * migrations, the copy (Redis only read), and the report as lines for a person.
 */
export interface RedisImportSpec<R> {
  service: string;
  migrations: Migrations;
  copy: (redis: Redis, database: Database) => Promise<R>;
  describe: (report: R) => string[];
}

/** What happened to one kind of record: counts, and each skipped one with why (ids only, never a secret). */
export interface ImportTally {
  copied: number;
  alreadyThere: number;
  skipped: { id: string; reason: string }[];
}

export const newTally = (): ImportTally => ({ copied: 0, alreadyThere: 0, skipped: [] });

/** `<what>: N copied, N already there, N skipped`. */
export const tallyLine = (what: string, t: ImportTally): string =>
  `${what}: ${t.copied} copied, ${t.alreadyThere} already there, ${t.skipped.length} skipped`;

const importEnvSchema = redisEnvSchema.extend(databaseEnvSchema.shape);

/**
 * `migrate-from-redis`: brings the service's tables up to date, copies what Redis still holds,
 * and writes the report to `out`. Throws ConfigError on a bad REDIS_URL/DATABASE_URL; any other
 * failure propagates (whatever was copied before it stays, and a second run completes it).
 */
export async function runRedisImport<R>(
  spec: RedisImportSpec<R>,
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<R> {
  const config = parseConfig('migrate-from-redis', importEnvSchema, env);
  const logger = new Logger('migrate-from-redis', 'warn', (l) => process.stderr.write(l));
  await migrateToLatest(config.DATABASE_URL, spec.migrations, { service: spec.service, logger });
  const database = Database.connect(config.DATABASE_URL, logger, 'migrate-from-redis');
  const redis = createRedis(config.REDIS_URL, logger, 'migrate-from-redis');
  try {
    await redis.connect();
    const report = await spec.copy(redis, database);
    for (const line of spec.describe(report)) out(line);
    return report;
  } finally {
    redis.disconnect();
    await database.close();
  }
}

/** The body of a service's `migrate-from-redis.js`: the import on this process's env, its exit code set. */
export async function redisImportMain<R>(spec: RedisImportSpec<R>): Promise<void> {
  try {
    await runRedisImport(spec, process.env, (line) => process.stdout.write(`${line}\n`));
  } catch (e) {
    // A ConfigError's message already names the command and the variable.
    const message = e instanceof ConfigError ? e.message : `migrate-from-redis: ${(e as Error).message}`;
    process.stderr.write(`${message}\n`);
    process.exitCode = e instanceof ConfigError ? 78 : 1;
  }
}
