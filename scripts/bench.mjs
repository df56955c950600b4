// `npm run bench [-- --quick] [-- --only join,poll,balance] [-- --baseline REF]`: builds, then runs
// the benchmarks. `--baseline REF` also measures the join paths on the build of an earlier commit
// (e.g. the start of an issue), in the same run: its source from `git archive`, its own
// `npm ci` and build, kept in <tmp>/ensemble-bench-baseline/<sha> for the next run (outside the
// repository, so that neither Nx nor jest ever sees a second copy of the projects).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries, ensureNodeModules, log, root, run } from './lib/setup.mjs';

ensureNodeModules();
ensureBinaries(['nats-server', 'redis-server', 'initdb', 'postgres']);
run(process.execPath, ['scripts/build.mjs']);

const args = process.argv.slice(2);
const at = args.indexOf('--baseline');
if (at >= 0) {
  const ref = args[at + 1];
  if (!ref || ref.startsWith('--')) throw new Error('--baseline: expected a git ref (commit, tag or branch)');
  const dir = prepareBaseline(ref);
  args.splice(at, 2, '--baseline-ref', ref, '--baseline-root', dir);
}
const r = spawnSync(process.execPath, ['bench/dist/main.js', ...args], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);

/** The earlier version's checkout, installed and built once per commit. */
function prepareBaseline(ref) {
  const rev = spawnSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' });
  if (rev.status !== 0) throw new Error(`--baseline: ${ref} is not a commit of this repository`);
  const sha = rev.stdout.trim();
  const dir = join(tmpdir(), 'ensemble-bench-baseline', sha);
  const built = ['scheduler', 'gateway-api'].every((s) => existsSync(join(dir, 'services', s, 'dist', 'main.js')));
  if (built) return `${dir}/`;
  log(`baseline ${ref} (${sha.slice(0, 12)}): extracting, installing and building it once`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tar = spawnSync('sh', ['-c', `git archive ${sha} | tar -x -C "${dir}"`], { cwd: root, stdio: 'inherit' });
  if (tar.status !== 0) throw new Error('--baseline: git archive failed');
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, env });
  run(process.execPath, ['scripts/build.mjs'], { cwd: dir, env });
  return `${dir}/`;
}
