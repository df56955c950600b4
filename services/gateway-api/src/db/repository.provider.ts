import type { FactoryProvider } from '@nestjs/common';
import { DATABASE, type Database } from '@ensemble/shared';
import type { Kysely } from 'kysely';
import type { GatewayTables } from './schema.js';

/** The gateway's tables, typed; the gateway does not start without DATABASE_URL. */
export function gatewayTables(database: Database | null): Kysely<GatewayTables> {
  if (!database) throw new Error('the gateway needs DATABASE_URL');
  return database.typed<GatewayTables>();
}

/** A repository over the gateway's tables, provided under its own class. */
export function repositoryProvider<T>(repository: new (db: Kysely<GatewayTables>) => T): FactoryProvider<T> {
  return {
    provide: repository,
    inject: [DATABASE],
    useFactory: (database: Database | null) => new repository(gatewayTables(database)),
  };
}
