// `npm run db:backup -- DIR` / `npm run db:restore -- DIR`: every Ensemble database of a
// PostgreSQL server (npm start's private cluster by default) to and from pg_dump's custom
// format, one file per database, whatever tables the services hold.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findBinary, root } from './lib/setup.mjs';
import { Supervisor } from './lib/processes.mjs';
import { startPostgres } from './lib/postgres.mjs';

const HELP = `Usage: npm run db:backup -- DIR [options]
       npm run db:restore -- DIR [options]

backup   dumps every database of the server (not postgres, not templates) with pg_dump -Fc
         into DIR/<database>.dump, and lists them in DIR/${'ensemble-backup.json'}.
restore  creates each listed database and loads its dump (pg_restore, one transaction each).
         A database that already holds tables is left alone unless --replace.

Options:
  --url URL          the server to use (any database URL on it; a password in it goes to
                     pg_dump/pg_restore through PGPASSWORD, not their arguments)
  --state-dir DIR    npm start's state dir (default .ensemble/): its cluster is used when
                     --url is absent, the running one, or started for the command when stopped
  --replace          restore: drop a database that holds tables first (stop the services first)
  -h, --help         this text`;

const MANIFEST = 'ensemble-backup.json';
// A dump holds password hashes, link tokens and node secrets: readable by its owner only.
process.umask(0o077);
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function fail(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'state-dir': { type: 'string', default: join(root, '.ensemble') },
      replace: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (e) {
  fail(`${e.message}\n\n${HELP}`, 2);
}
const { values: args, positionals } = parsed;
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const [command, dirArg] = positionals;
if (!['backup', 'restore'].includes(command) || !dirArg || positionals.length > 2) fail(HELP, 2);
const dir = resolve(dirArg);

/** The URL of `database` on the server of `url`, without its password (handed over as PGPASSWORD). */
function on(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  u.password = '';
  return u.toString();
}

function pgEnv(url) {
  const password = decodeURIComponent(new URL(url).password);
  return { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
}

/** The same URL for libpq (pg_dump, pg_restore), which refuses node-postgres's own `uselibpqcompat`. */
function forLibpq(url) {
  const u = new URL(url);
  u.searchParams.delete('uselibpqcompat');
  return u.toString();
}

function tool(name, toolArgs, url) {
  const bin = findBinary(name);
  if (!bin) throw new Error(`${name} is not installed (apt-get install postgresql-client)`);
  const r = spawnSync(bin, toolArgs, { env: pgEnv(url), stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${name} ${toolArgs.at(-1)} failed (exit ${r.status ?? r.signal})`);
}

/** The port of npm start's cluster when it runs (postmaster.pid: pid on line 1, port on line 4). */
function runningPort(data) {
  const pidFile = join(data, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(lines[0]), 0);
  } catch {
    return undefined; // left behind by a crash: not running
  }
  return Number(lines[3]);
}

/** The server to work on: `--url`, or npm start's cluster (started for this command when stopped). */
async function server() {
  if (args.url) return { url: args.url, close: async () => undefined };
  const stateDir = resolve(args['state-dir']);
  const data = join(stateDir, 'postgres', 'data');
  if (!existsSync(join(data, 'PG_VERSION')))
    fail(`no PostgreSQL cluster in ${data}: run npm start once, or give --url`);
  const port = runningPort(data);
  if (port) {
    if (command === 'restore')
      fail('npm start is running: stop it first (Ctrl-C), so no service writes while the restore runs');
    return { url: `postgres://ensemble@127.0.0.1:${port}/postgres`, close: async () => undefined };
  }
  const sup = new Supervisor((name, how) => fail(`${name} exited (${how})`));
  const urls = await startPostgres(sup, stateDir);
  return { url: urls.gateway, close: () => sup.stopAll() };
}

async function withClient(url, fn) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function backup(url) {
  const databases = await withClient(on(url, 'postgres'), async (c) => {
    const r = await c.query(
      `SELECT datname FROM pg_database
        WHERE datallowconn AND NOT datistemplate AND datname <> 'postgres'
          AND has_database_privilege(datname, 'CONNECT') ORDER BY datname`,
    );
    const odd = r.rows.map((row) => row.datname).filter((name) => !NAME.test(name));
    if (odd.length) throw new Error(`database names not handled (quote-free lower case only): ${odd.join(', ')}`);
    return r.rows.map((row) => row.datname);
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const name of databases) {
    tool(
      'pg_dump',
      ['-Fc', '--no-password', '-f', join(dir, `${name}.dump`), '--dbname', forLibpq(on(url, name))],
      url,
    );
    process.stdout.write(`dumped ${name}\n`);
  }
  writeFileSync(
    join(dir, MANIFEST),
    `${JSON.stringify({ createdAt: new Date().toISOString(), databases }, null, 2)}\n`,
  );
  process.stdout.write(`${databases.length} database(s) in ${dir}\n`);
}

async function restore(url) {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) throw new Error(`${file} is missing: not a backup made by npm run db:backup`);
  const { databases } = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(databases) || !databases.every((n) => typeof n === 'string' && NAME.test(n)))
    throw new Error(`${file}: databases must be a list of database names`);
  for (const name of databases) {
    const tables = await withClient(on(url, 'postgres'), async (c) => {
      const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) {
        await c.query(`CREATE DATABASE "${name}"`);
        return 0;
      }
      return withClient(on(url, name), async (d) => {
        const r = await d.query(
          `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
        );
        return r.rows[0].n;
      });
    });
    if (tables > 0) {
      if (!args.replace)
        throw new Error(`${name} already holds ${tables} table(s): restore into an empty server, or --replace`);
      await withClient(on(url, 'postgres'), async (c) => {
        await c.query(`DROP DATABASE "${name}" WITH (FORCE)`);
        await c.query(`CREATE DATABASE "${name}"`);
      });
    }
    // No owners or grants from the source: the restoring role owns what it loads (managed servers differ).
    tool(
      'pg_restore',
      [
        '--no-owner',
        '--no-acl',
        '--exit-on-error',
        '--single-transaction',
        '--no-password',
        '--dbname',
        forLibpq(on(url, name)),
        join(dir, `${name}.dump`),
      ],
      url,
    );
    process.stdout.write(`restored ${name}\n`);
  }
}

const target = await server();
try {
  await (command === 'backup' ? backup(target.url) : restore(target.url));
} catch (e) {
  process.stderr.write(`${command} failed: ${e.message}\n`);
  process.exitCode = 1;
} finally {
  await target.close();
}
