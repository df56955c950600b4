import { migrateToLatest, type Migrations } from '@ensemble/shared';
import { Client } from 'pg';
import { startPostgres, type PostgresServer } from './postgres.js';

/** The tables of a database's public schema, sorted. */
export async function tablesOf(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    return r.rows.map((x) => x.table_name);
  } finally {
    await client.end();
  }
}

/**
 * What every service's migrations must do, as one jest suite (each owner calls it from
 * its own int-spec): build its tables from an empty database, find nothing to do the
 * second time, apply each migration once when several instances start together, and
 * be named in the order they apply.
 */
export function describeMigrations(owner: string, service: string, migrations: Migrations, tables: string[]): void {
  describe(`the ${owner}'s migrations`, () => {
    let server: PostgresServer; // an empty template: each database starts with no tables at all
    const migrate = (url: string) => migrateToLatest(url, migrations, { service });

    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(() => server?.stop());

    it('build every table from an empty database, and find nothing to do the second time', async () => {
      const url = await server.createDatabase();
      expect(await tablesOf(url)).toEqual([]);
      expect(await migrate(url)).toEqual(Object.keys(migrations));
      expect(await tablesOf(url)).toEqual(expect.arrayContaining(tables));
      expect(await migrate(url)).toEqual([]);
    });

    it('apply each migration once when several instances start together', async () => {
      const url = await server.createDatabase();
      const runs = await Promise.all(Array.from({ length: 4 }, () => migrate(url)));
      expect(runs.flat().sort()).toEqual(Object.keys(migrations).sort());
    });

    it('are named in the order they apply', () => {
      const names = Object.keys(migrations);
      expect(names).toEqual([...names].sort());
      for (const name of names) expect(name).toMatch(/^\d{3}-[a-z0-9-]+$/);
    });
  });
}
