import { Database, Logger, migrateToLatest } from '@ensemble/shared';
import { startPostgres, type PostgresServer } from '@ensemble/testing';
import type { Kysely } from 'kysely';
import { gatewayMigrations } from './migrations/index.js';
import type { GatewayTables } from './schema.js';

/** A private PostgreSQL whose template holds the gateway's tables (migrated once per test file). */
export function startGatewayPostgres(): Promise<PostgresServer> {
  return startPostgres({
    prepareTemplate: async (url) => {
      await migrateToLatest(url, gatewayMigrations, { service: 'gateway-api' });
    },
  });
}

/** A fresh database of the gateway's tables for one test, and its Kysely instance. */
export async function gatewayDatabase(
  server: PostgresServer,
): Promise<{ database: Database; db: Kysely<GatewayTables> }> {
  const database = Database.connect(await server.createDatabase(), new Logger('test', 'error'), 'test');
  return { database, db: database.typed<GatewayTables>() };
}
