import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port.js';
import { ServerProcess, requireBinary } from './server-process.js';
import type { TestServer } from './servers.js';
import { waitFor } from './wait-for.js';

export interface PostgresServer extends TestServer {
  /**
   * A new, private database cloned from this server's template (`CREATE DATABASE ... TEMPLATE`:
   * a file copy, no migrations replayed); its URL.
   */
  createDatabase(): Promise<string>;
  /** Starts it again (same port, same data) after `process.stop()` or `kill()`, once it accepts queries. */
  restart(): Promise<void>;
  /**
   * `kill -9` of the postmaster (its backends exit on postmaster death): what a crash does.
   * `restart()` then runs crash recovery on the same data directory.
   */
  kill(): Promise<void>;
}

const TEMPLATE = 'ensemble_template';

/** PostgreSQL refuses to run as root: then it runs as the `postgres` system user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0)
    throw new Error('PostgreSQL refuses to run as root, and there is no `postgres` user to run it as');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function giveTo(dir: string, user: { uid: number; gid: number } | undefined): void {
  if (user) chownSync(dir, user.uid, user.gid);
}

/**
 * One `initdb` per machine and server version, kept in the temp dir: each server starts
 * from a copy of it (a copy takes a tenth of an initdb). Built beside and renamed into
 * place, so two test files starting at once never see half of it.
 */
function initializedCluster(user: { uid: number; gid: number } | undefined): string {
  const initdb = requireBinary('initdb');
  const version = /\d+(?:\.\d+)*/.exec(spawnSync(initdb, ['--version'], { encoding: 'utf8' }).stdout)?.[0] ?? 'x';
  const ready = join(tmpdir(), `ensemble-pg-cluster-${version}-${user?.uid ?? process.getuid?.() ?? 0}`);
  if (existsSync(join(ready, 'data', 'PG_VERSION'))) return ready;
  const building = mkdtempSync(`${ready}.building-`);
  giveTo(building, user);
  const r = spawnSync(
    initdb,
    ['-D', join(building, 'data'), '-U', 'ensemble', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { encoding: 'utf8', ...(user ? { uid: user.uid, gid: user.gid } : {}) },
  );
  if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr || r.stdout}`);
  try {
    renameSync(building, ready);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another test file won the race
  }
  return ready;
}

async function query(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

let databases = 0;

export interface StartPostgresOptions {
  /** Fills the template every `createDatabase` copies (e.g. runs migrations once per test file). */
  prepareTemplate?: (url: string) => Promise<void>;
  /**
   * Commits acknowledged only once their WAL is written out (synchronous_commit on, as in
   * production), so a `kill()` loses none: for crash tests. Off by default (faster).
   */
  durableCommits?: boolean;
}

/**
 * A real PostgreSQL on a free loopback port, its cluster and socket in a private temp dir,
 * durability traded for speed (fsync off: a test's data need not survive a power cut, a
 * clean `restart()` keeps it; a `kill()` keeps it with `durableCommits`).
 */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PostgresServer> {
  const user = serverUser();
  const cluster = initializedCluster(user);
  const port = await freePort();
  const proc = new ServerProcess(
    'postgres',
    port,
    (dir) => [
      '-D',
      join(dir, 'data'),
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      ...(opts.durableCommits ? [] : ['-c', 'synchronous_commit=off']),
      '-c',
      'full_page_writes=off',
    ],
    { ...(user ? { user } : {}), stopSignal: 'SIGINT' },
  );
  // cp -a keeps the owner and the 0700 mode PostgreSQL insists on.
  const cp = spawnSync('cp', ['-a', join(cluster, 'data'), join(proc.dataDir, 'data')], { encoding: 'utf8' });
  if (cp.status !== 0) throw new Error(`copying the initialized cluster failed: ${cp.stderr}`);
  giveTo(proc.dataDir, user);
  const base = `postgres://ensemble@127.0.0.1:${port}`;
  const url = `${base}/postgres`;
  const start = async () => {
    // After a kill, a backend may outlive the postmaster for a moment; PostgreSQL then
    // refuses to start ("pre-existing shared memory block is still in use"): try again.
    await waitFor('postgres started', () => proc.start().then(() => true), { timeoutMs: 15_000 });
    // The port opens before recovery ends ("the database system is starting up").
    await waitFor('postgres accepting queries', () => query(url, 'SELECT 1').then(() => true), {
      timeoutMs: 15_000,
    });
  };
  await start();
  await query(url, `CREATE DATABASE ${TEMPLATE}`);
  await opts.prepareTemplate?.(`${base}/${TEMPLATE}`);
  return {
    url,
    port,
    process: proc,
    stop: () => proc.dispose(),
    async restart() {
      await proc.stop();
      await start();
    },
    kill: () => proc.stop('SIGKILL'),
    async createDatabase() {
      const name = `test_${process.pid}_${++databases}`;
      await query(url, `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
      return `${base}/${name}`;
    },
  };
}
