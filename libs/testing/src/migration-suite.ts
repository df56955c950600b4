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
 * Data an earlier version wrote, for a test that migrates from it. `seed` runs on a
 * database migrated up to that version's last migration and writes as that version wrote
 * (its statements, frozen in the test: not today's repositories, which may change); `check`
 * runs after every later migration and asserts the data is intact and usable through
 * today's code.
 */
export interface PreviousVersionData<T> {
  seed(url: string): Promise<T>;
  check(url: string, seeded: T): Promise<void>;
}

/** A version's data, with the migration it was written at: see `describeMigrations`. */
export interface EarlierVersion {
  at: string;
  seedMigrateCheck(url: string, migrateRest: () => Promise<void>): Promise<void>;
}

/** The data `data` describes, written at migration `at` (e.g. `001-users-and-rooms`). */
export function earlierVersion<T>(at: string, data: PreviousVersionData<T>): EarlierVersion {
  return {
    at,
    async seedMigrateCheck(url, migrateRest) {
      const seeded = await data.seed(url);
      await migrateRest();
      await data.check(url, seeded);
    },
  };
}

/**
 * What every service's migrations must do, as one jest suite (each owner calls it from
 * its own int-spec): build its tables from an empty database, find nothing to do the
 * second time, apply each migration once when several instances start together, and
 * be named in the order they apply. With `earlierVersions`: migrate a database holding each
 * listed version's data through every later migration; the data stays usable.
 */
export function describeMigrations(
  owner: string,
  service: string,
  migrations: Migrations,
  tables: string[],
  opts: { earlierVersions?: EarlierVersion[] } = {},
): void {
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

    // Every migration but the first meets data: the versions before it wrote some.
    for (const earlier of opts.earlierVersions ?? []) {
      it(`migrate a database holding ${earlier.at}'s data, which stays intact and usable`, async () => {
        const names = Object.keys(migrations).sort();
        const upTo = names.indexOf(earlier.at) + 1;
        expect(upTo).toBeGreaterThan(0);
        expect(upTo).toBeLessThan(names.length);
        const before = Object.fromEntries(names.slice(0, upTo).map((n) => [n, migrations[n]!]));
        const url = await server.createDatabase();
        expect(await migrateToLatest(url, before, { service })).toEqual(names.slice(0, upTo));
        await earlier.seedMigrateCheck(url, async () => {
          expect(await migrate(url)).toEqual(names.slice(upTo));
        });
      });
    }

    it('are named in the order they apply', () => {
      const names = Object.keys(migrations);
      expect(names).toEqual([...names].sort());
      for (const name of names) expect(name).toMatch(/^\d{3}-[a-z0-9-]+$/);
    });
  });
}
