import { runRedisImport, tallyLine as line, type RedisImportSpec } from '@ensemble/shared';
import type { GatewayTables } from '../db/schema.js';
import { gatewayMigrations } from '../db/migrations/index.js';
import { RedisImport, type ImportReport } from './redis-import.js';

/** The gateway's import: accounts, rooms and their links. */
export const gatewayImport: RedisImportSpec<ImportReport> = {
  service: 'gateway-api',
  migrations: gatewayMigrations,
  copy: (redis, database) => new RedisImport(redis, database.typed<GatewayTables>()).run(),
  describe,
};

/** Runs the gateway's import (see `runRedisImport`). */
export const importFromRedis = (env: Record<string, string | undefined>, out: (line: string) => void) =>
  runRedisImport(gatewayImport, env, out);

/** The report as lines for a person: counts, then each skipped record by id and why (no e-mail, hash or token). */
export function describe(report: ImportReport): string[] {
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
