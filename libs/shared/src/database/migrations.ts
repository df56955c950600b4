import { Kysely, PostgresDialect } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import { Pool } from 'pg';
import type { Logger } from '../logger.js';

/** A service's migrations by name; names sort in the order they apply (`001-users`, `002-rooms`). */
export type Migrations = Readonly<Record<string, Migration>>;

/**
 * Brings the service's tables to the latest version, forward only. Runs in one
 * transaction under a PostgreSQL advisory lock (Kysely's Migrator takes it), so several
 * instances starting together apply each migration once and the others wait, then find
 * nothing left to do. Its own connection, free of the request deadlines: a migration may
 * take longer than a request, and waiting for the lock is expected. Each service keeps its
 * own history table (`<service>_migration`). Returns the names applied now.
 */
export async function migrateToLatest(
  url: string,
  migrations: Migrations,
  opts: { service: string; logger?: Logger },
): Promise<string[]> {
  const table = `${opts.service.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_migration`;
  const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 5000, application_name: table });
  // A server that shuts down while this pool's idle connection is closing reports it here;
  // unheard, that error would crash the service (the migration's own outcome is in its result).
  pool.on('error', (e: Error) => opts.logger?.warn('postgres error (migrations)', { error: e.message }));
  const db = new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
  try {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
      migrationTableName: table,
      migrationLockTableName: `${table}_lock`,
    });
    const { error, results = [] } = await migrator.migrateToLatest();
    const failed = results.find((r) => r.status === 'Error');
    if (error || failed) {
      const message = error instanceof Error ? error.message : 'failed';
      throw new Error(`${opts.service}: migration ${failed?.migrationName ?? ''} failed: ${message}`, {
        cause: error,
      });
    }
    const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (applied.length > 0) opts.logger?.info('database migrated', { applied: applied.join(',') });
    return applied;
  } finally {
    await db.destroy();
  }
}
