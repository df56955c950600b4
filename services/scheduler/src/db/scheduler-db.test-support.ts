import { Database, Logger, migrateToLatest } from '@ensemble/shared';
import { startPostgres, type PostgresServer } from '@ensemble/testing';
import type { Kysely } from 'kysely';
import { schedulerMigrations } from './migrations/index.js';
import type { SchedulerTables } from './schema.js';

/** A private PostgreSQL whose template holds the scheduler's tables (migrated once per test file). */
export function startSchedulerPostgres(): Promise<PostgresServer> {
  return startPostgres({
    prepareTemplate: async (url) => {
      await migrateToLatest(url, schedulerMigrations, { service: 'scheduler' });
    },
  });
}

/** A fresh database of the scheduler's tables for one test, and its Kysely instance. */
export async function schedulerDatabase(
  server: PostgresServer,
): Promise<{ database: Database; db: Kysely<SchedulerTables> }> {
  const database = Database.connect(await server.createDatabase(), new Logger('test', 'error'), 'test');
  return { database, db: database.typed<SchedulerTables>() };
}
