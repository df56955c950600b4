// `npm run bench [-- --quick] [-- --only join,poll,balance]`: builds, then runs the benchmarks.
import { spawnSync } from 'node:child_process';
import { ensureBinaries, ensureNodeModules, root, run } from './lib/setup.mjs';

ensureNodeModules();
ensureBinaries(['nats-server', 'redis-server', 'initdb', 'postgres']);
run(process.execPath, ['scripts/build.mjs']);
const r = spawnSync(process.execPath, ['bench/dist/main.js', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(r.status ?? 1);
