// Set-up shared by `npm start` and `npm test`: what a fresh machine lacks, installed once.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function log(msg) {
  process.stderr.write(`[ensemble] ${msg}\n`);
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
}

/** Debian's postgresql package keeps its binaries off PATH: /usr/lib/postgresql/<major>/bin. */
const PG_LIB = '/usr/lib/postgresql';

/** Where a binary is: on PATH, else (initdb, postgres) in the newest /usr/lib/postgresql/<major>/bin; null if nowhere. */
export function findBinary(bin) {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  if (!existsSync(PG_LIB)) return null;
  const majors = readdirSync(PG_LIB)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a));
  for (const m of majors) if (existsSync(join(PG_LIB, m, 'bin', bin))) return join(PG_LIB, m, 'bin', bin);
  return null;
}

export const has = (bin) => findBinary(bin) !== null;

/** npm dependencies: `npm ci` when node_modules is missing or older than the lockfile. */
export function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

const PACKAGES = {
  'nats-server': 'nats-server',
  'redis-server': 'redis-server',
  prometheus: 'prometheus',
  promtool: 'prometheus',
  'docker-compose': 'docker-compose',
  nginx: 'nginx',
  openssl: 'openssl',
  'prometheus-node-exporter': 'prometheus-node-exporter',
  initdb: 'postgresql',
  postgres: 'postgresql',
};

/** System binaries from Debian's packages when absent (needs root; otherwise says what to run). */
export function ensureBinaries(bins) {
  const missing = bins.filter((b) => !has(b));
  if (missing.length === 0) return;
  const pkgs = missing.map((b) => PACKAGES[b] ?? b);
  const isRoot = process.getuid?.() === 0;
  const prefix = isRoot ? [] : has('sudo') ? ['sudo'] : null;
  if (!prefix || !has('apt-get')) {
    throw new Error(
      `missing ${missing.join(', ')}: install them (Debian/Ubuntu: apt-get install -y ${pkgs.join(' ')})`,
    );
  }
  log(`installing ${pkgs.join(', ')} from the system's packages`);
  const apt = (args) =>
    run(prefix[0] ?? 'apt-get', prefix.length ? ['apt-get', ...args] : args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  apt(['update', '-q']);
  apt(['install', '-y', '-q', '--no-install-recommends', ...pkgs]);
}

/**
 * Nx (the workspace's task runner) with its exit code. Dotenv files stay out of the tasks,
 * as they stayed out of jest before: a developer's .env must not change what a test sees.
 */
export function nx(args) {
  const r = spawnSync(join(root, 'node_modules', '.bin', 'nx'), args, {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, NX_LOAD_DOT_ENV_FILES: 'false' },
  });
  return r.status ?? 1;
}
