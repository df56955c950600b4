// `npm start`'s private PostgreSQL: a cluster in the state dir, on a free loopback port,
// run as the `postgres` system user when we are root (PostgreSQL refuses root).
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary, log } from './setup.mjs';
import { freePort, waitForPort } from './processes.mjs';

function postgresUser() {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0)
    throw new Error('PostgreSQL refuses to run as root, and there is no `postgres` user (apt-get install postgresql)');
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** Tries `SELECT 1`-like work until the server takes connections (it opens its port before recovery ends). */
async function untilReady(pg, url, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      return client;
    } catch (e) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections: ${e.message}`, { cause: e });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * initdb on first start (kept in `<stateDir>/postgres/data`, so rooms, accounts and nodes
 * survive restarts), then the server under the supervisor (stopped with SIGINT: a fast
 * shutdown that does not wait for clients), then the databases if missing: `ensemble` (the
 * gateway's), `ensemble_scheduler` (the scheduler's) and `ensemble_provisioner` (the
 * provisioner's): each service owns its tables.
 * Their URLs.
 */
export async function startPostgres(sup, stateDir) {
  const user = postgresUser();
  const dir = join(stateDir, 'postgres');
  const data = join(dir, 'data');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user) {
    chownSync(dir, user.uid, user.gid);
    // The postgres user must pass through the state dir, and nobody else: group postgres, no others.
    chownSync(stateDir, statSync(stateDir).uid, user.gid);
    chmodSync(stateDir, 0o710);
  }
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  if (!existsSync(join(data, 'PG_VERSION'))) {
    log('creating the PostgreSQL cluster (initdb)');
    // Trust on loopback, like the local Redis and NATS: the port listens on 127.0.0.1 only.
    const r = spawnSync(
      findBinary('initdb'),
      ['-D', data, '-U', 'ensemble', '--auth=trust', '-E', 'UTF8', '--locale=C'],
      { encoding: 'utf8', ...as },
    );
    if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr || r.stdout}`);
  }
  const port = await freePort();
  sup.start(
    'postgres',
    findBinary('postgres'),
    // No Unix socket: a deep state dir would pass the socket path's length limit.
    ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { quiet: true, ...(user ? { user } : {}), stopSignal: 'SIGINT' },
  );
  await waitForPort(port);
  const { default: pg } = await import('pg');
  const base = `postgres://ensemble@127.0.0.1:${port}`;
  const client = await untilReady(pg, `${base}/postgres`);
  try {
    for (const name of ['ensemble', 'ensemble_scheduler', 'ensemble_provisioner']) {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
    }
  } finally {
    await client.end();
  }
  return {
    gateway: `${base}/ensemble`,
    scheduler: `${base}/ensemble_scheduler`,
    provisioner: `${base}/ensemble_provisioner`,
  };
}
