import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPostgres, type PostgresServer } from './postgres.js';

async function rows(url: string, text: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('a private PostgreSQL for tests', () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await startPostgres({
      prepareTemplate: async (url) => {
        await rows(url, 'CREATE TABLE greeting (text text NOT NULL)');
        await rows(url, "INSERT INTO greeting VALUES ('hello')");
      },
    });
  });
  afterAll(() => server?.stop());

  it('gives each test its own database, cloned from the prepared template', async () => {
    const [a, b] = [await server.createDatabase(), await server.createDatabase()];
    expect(a).not.toBe(b);
    await rows(a, "INSERT INTO greeting VALUES ('only in a')");
    expect(await rows(a, 'SELECT text FROM greeting ORDER BY text')).toEqual([
      { text: 'hello' },
      { text: 'only in a' },
    ]);
    expect(await rows(b, 'SELECT text FROM greeting')).toEqual([{ text: 'hello' }]);
  });

  it('keeps its data across a restart on the same port', async () => {
    const url = await server.createDatabase();
    await rows(url, "INSERT INTO greeting VALUES ('kept')");
    await server.restart();
    expect(await rows(url, "SELECT text FROM greeting WHERE text = 'kept'")).toEqual([{ text: 'kept' }]);
  });

  it('runs under a user other than root, who owns the cluster', () => {
    const owner = statSync(join(server.process.dataDir, 'data')).uid;
    expect(owner).toBe(
      process.getuid?.() === 0 ? Number(execFileSync('id', ['-u', 'postgres']).toString()) : process.getuid?.(),
    );
  });
});

describe('a private PostgreSQL killed with kill -9', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres({ durableCommits: true });
  });
  afterAll(() => server?.stop());

  it('refuses connections once killed, and after a restart (crash recovery) has every committed row', async () => {
    const url = await server.createDatabase();
    await rows(url, 'CREATE TABLE t (n int)');
    await rows(url, 'INSERT INTO t SELECT generate_series(1, 1000)');
    // A connection open across the kill: its backend exits with the postmaster.
    const open = new Client({ connectionString: url });
    await open.connect();
    open.on('error', () => undefined);
    await server.kill();
    await expect(open.query('SELECT 1')).rejects.toThrow();
    await expect(rows(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await server.restart();
    expect(await rows(url, 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 1000 }]);
  });
});
