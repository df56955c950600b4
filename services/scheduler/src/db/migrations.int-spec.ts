import { migrateToLatest } from '@ensemble/shared';
import { startPostgres, type PostgresServer } from '@ensemble/testing';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { schedulerMigrations } from './migrations/index.js';

const tablesOf = async (url: string): Promise<string[]> => {
  const db = new Kysely<object>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: url }) }) });
  try {
    const r = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`.execute(db);
    return r.rows.map((x) => x.table_name);
  } finally {
    await db.destroy();
  }
};

describe("the scheduler's migrations", () => {
  let server: PostgresServer; // an empty template: each database starts with no tables at all

  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());

  it('build every table from an empty database, and find nothing to do the second time', async () => {
    const url = await server.createDatabase();
    expect(await tablesOf(url)).toEqual([]);
    expect(await migrateToLatest(url, schedulerMigrations, { service: 'scheduler' })).toEqual(
      Object.keys(schedulerMigrations),
    );
    expect(await tablesOf(url)).toEqual(
      expect.arrayContaining(['nodes', 'scheduler_migration', 'scheduler_migration_lock']),
    );
    expect(await migrateToLatest(url, schedulerMigrations, { service: 'scheduler' })).toEqual([]);
  });

  it('apply each migration once when several instances start together', async () => {
    const url = await server.createDatabase();
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => migrateToLatest(url, schedulerMigrations, { service: 'scheduler' })),
    );
    expect(runs.flat().sort()).toEqual(Object.keys(schedulerMigrations).sort());
  });

  it('are named in the order they apply', () => {
    const names = Object.keys(schedulerMigrations);
    expect(names).toEqual([...names].sort());
    for (const name of names) expect(name).toMatch(/^\d{3}-[a-z0-9-]+$/);
  });
});
