import {
  Database,
  Logger,
  createRedis,
  databaseEnvSchema,
  migrateToLatest,
  parseConfig,
  redisEnvSchema,
} from '@ensemble/shared';
import { provisionerMigrations } from '../db/migrations/index.js';
import type { ProvisionerTables } from '../db/schema.js';
import { RedisImport, type ImportReport, type ImportTally } from './redis-import.js';

export const importEnvSchema = redisEnvSchema.extend(databaseEnvSchema.shape);

/**
 * `migrate-from-redis`: brings the provisioner's tables up to date, copies what Redis still
 * holds, and writes the counts to `out`. Throws ConfigError on a bad REDIS_URL/DATABASE_URL;
 * any other failure propagates (whatever was copied before it stays, and a second run
 * completes it).
 */
export async function importFromRedis(
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<ImportReport> {
  const config = parseConfig('migrate-from-redis', importEnvSchema, env);
  const logger = new Logger('migrate-from-redis', 'warn', (l) => process.stderr.write(l));
  await migrateToLatest(config.DATABASE_URL, provisionerMigrations, { service: 'provisioner', logger });
  const database = Database.connect(config.DATABASE_URL, logger, 'migrate-from-redis');
  const redis = createRedis(config.REDIS_URL, logger, 'migrate-from-redis');
  try {
    await redis.connect();
    const report = await new RedisImport(redis, database.typed<ProvisionerTables>()).run();
    for (const line of describe(report)) out(line);
    return report;
  } finally {
    redis.disconnect();
    await database.close();
  }
}

/** The report as lines for a person: counts, then each skipped record by id and why. */
export function describe(report: ImportReport): string[] {
  const line = (what: string, t: ImportTally) =>
    `${what}: ${t.copied} copied, ${t.alreadyThere} already there, ${t.skipped.length} skipped`;
  return [
    line('runs', report.runs),
    `run events: ${report.events} copied (with their runs)`,
    line('autoscale decisions', report.decisions),
    line('provisioned nodes', report.provisionedNodes),
    `autoscale state: ${report.autoscaleState}`,
    ...report.runs.skipped.map((s) => `skipped run ${s.id}: ${s.reason}`),
    ...report.decisions.skipped.map((s) => `skipped ${s.id}: ${s.reason}`),
    ...report.provisionedNodes.skipped.map((s) => `skipped provisioned node ${s.id}: ${s.reason}`),
  ];
}
