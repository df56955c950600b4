// `npm test`: set up what is missing, then build, typecheck, lint and test every project
// through Nx's task graph (cached: a second run with no change replays the results).
// `npm test -- <jest args>`: the set-up, then jest on those paths only (no Nx, no cache).
import { spawnSync } from 'node:child_process';
import { ensureBinaries, ensureNodeModules, nx, root } from './lib/setup.mjs';

ensureNodeModules();
// initdb/postgres: the private PostgreSQL servers of libs/testing; chromium: the browser e2e (playwright-core);
// ruby and curl: bbb-sim runs BBB's post_publish scripts as BBB does (ruby), and ours uploads with curl.
ensureBinaries(['nats-server', 'redis-server', 'initdb', 'postgres', 'chromium', 'ruby', 'curl']);
// The deploy tests (e2e/deploy-*.e2e-spec.ts): compose validation, NGINX, Prometheus and a
// node exporter for real.
ensureBinaries(['docker-compose', 'nginx', 'prometheus', 'promtool', 'openssl', 'prometheus-node-exporter']);

const jestArgs = process.argv.slice(2);
if (jestArgs.length > 0) {
  const r = spawnSync(
    process.execPath,
    ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--ci', ...jestArgs],
    { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  process.exit(r.status ?? 1);
}

// Two tasks at a time (nx.json "parallel"); each jest runs one suite at a time (-w 1), so at
// most two suites start their servers together, as the single jest run with two workers did.
process.exit(nx(['run-many', '-t', 'build', 'typecheck', 'lint', 'test', '--outputStyle=static']));
