import {
  Database,
  Logger,
  createRedis,
  databaseEnvSchema,
  migrateToLatest,
  parseConfig,
  redisEnvSchema,
} from '@ensemble/shared';
import type { GatewayTables } from '../db/schema.js';
import { gatewayMigrations } from '../db/migrations/index.js';
import { RedisImport, type ImportReport, type ImportTally } from './redis-import.js';

export const importEnvSchema = redisEnvSchema.extend(databaseEnvSchema.shape);

/**
 * `migrate-from-redis`: brings the gateway's tables up to date, copies what Redis still holds,
 * and writes the counts to `out`. Throws ConfigError on a bad REDIS_URL/DATABASE_URL; any other
 * failure propagates (whatever was copied before it stays, and a second run completes it).
 */
export async function importFromRedis(
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<ImportReport> {
  const config = parseConfig('migrate-from-redis', importEnvSchema, env);
  const logger = new Logger('migrate-from-redis', 'warn', (l) => process.stderr.write(l));
  await migrateToLatest(config.DATABASE_URL, gatewayMigrations, { service: 'gateway-api', logger });
  const database = Database.connect(config.DATABASE_URL, logger, 'migrate-from-redis');
  const redis = createRedis(config.REDIS_URL, logger, 'migrate-from-redis');
  try {
    await redis.connect();
    const report = await new RedisImport(redis, database.typed<GatewayTables>()).run();
    for (const line of describe(report)) out(line);
    return report;
  } finally {
    redis.disconnect();
    await database.close();
  }
}

/** The report as lines for a person: counts, then each skipped record by id and why (no e-mail, hash or token). */
export function describe(report: ImportReport): string[] {
  const line = (what: string, t: ImportTally) =>
    `${what}: ${t.copied} copied, ${t.alreadyThere} already there, ${t.skipped.length} skipped`;
  return [
    line('users', report.users),
    line('rooms', report.rooms),
    `links: ${report.rooms.copied * 2} copied (two per room; the old link URLs keep working)`,
    line('BBB API meetings (create calls)', report.meetings),
    ...report.users.skipped.map((s) => `skipped user ${s.id}: ${s.reason}`),
    ...report.rooms.skipped.map((s) => `skipped room ${s.id}: ${s.reason}`),
    ...report.meetings.skipped.map((s) => `skipped meeting ${s.id}: ${s.reason}`),
  ];
}
