import { Database, Logger, migrateToLatest } from '@ensemble/shared';
import { startPostgres, type PostgresServer } from '@ensemble/testing';
import type { Kysely } from 'kysely';
import { provisionerMigrations } from './migrations/index.js';
import type { ProvisionerTables } from './schema.js';

/** A private PostgreSQL whose template holds the provisioner's tables (migrated once per test file). */
export function startProvisionerPostgres(): Promise<PostgresServer> {
  return startPostgres({
    prepareTemplate: async (url) => {
      await migrateToLatest(url, provisionerMigrations, { service: 'provisioner' });
    },
  });
}

/** A fresh database of the provisioner's tables for one test, and its Kysely instance. */
export async function provisionerDatabase(
  server: PostgresServer,
): Promise<{ database: Database; db: Kysely<ProvisionerTables>; url: string }> {
  const url = await server.createDatabase();
  const database = Database.connect(url, new Logger('test', 'error'), 'test');
  return { database, db: database.typed<ProvisionerTables>(), url };
}
