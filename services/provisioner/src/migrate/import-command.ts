import { runRedisImport, tallyLine as line, type RedisImportSpec } from '@ensemble/shared';
import { provisionerMigrations } from '../db/migrations/index.js';
import type { ProvisionerTables } from '../db/schema.js';
import { RedisImport, type ImportReport } from './redis-import.js';

/** The provisioner's import: runs with their events, decisions, state, provisioned nodes. */
export const provisionerImport: RedisImportSpec<ImportReport> = {
  service: 'provisioner',
  migrations: provisionerMigrations,
  copy: (redis, database) => new RedisImport(redis, database.typed<ProvisionerTables>()).run(),
  describe,
};

/** Runs the provisioner's import (see `runRedisImport`). */
export const importFromRedis = (env: Record<string, string | undefined>, out: (line: string) => void) =>
  runRedisImport(provisionerImport, env, out);

/** The report as lines for a person: counts, then each skipped record by id and why. */
function describe(report: ImportReport): string[] {
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
