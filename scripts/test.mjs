// `npm test`: set up what is missing, typecheck, then every jest suite against real servers.
import { spawnSync } from 'node:child_process';
import { ensureBinaries, ensureNodeModules, log, root } from './lib/setup.mjs';

ensureNodeModules();
ensureBinaries(['nats-server', 'redis-server', 'chromium']); // chromium: the browser e2e (playwright-core)
// The deploy tests (e2e/deploy-*.e2e-spec.ts): compose validation, NGINX and Prometheus for real.
ensureBinaries(['docker-compose', 'nginx', 'prometheus', 'promtool', 'openssl']);
try {
  ensureBinaries(['prometheus-node-exporter']); // optional: its test checks a real exporter where installed
} catch (e) {
  log(`note: ${e.message}`);
}

log('typecheck (tsc --noEmit)');
let r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit', cwd: root });
if (r.status !== 0) process.exit(r.status ?? 1);

r = spawnSync('npx', ['tsc', '-p', 'web/tsconfig.json'], { stdio: 'inherit', cwd: root });
if (r.status !== 0) process.exit(r.status ?? 1);

log('lint (oxlint type-aware, prettier --check)');
r = spawnSync('npm', ['run', '--silent', 'lint'], { stdio: 'inherit', cwd: root });
if (r.status !== 0) process.exit(r.status ?? 1);

// The e2e suites run the built stack (`npm start`'s own processes).
r = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit', cwd: root });
if (r.status !== 0) process.exit(r.status ?? 1);

const jestArgs = ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--ci', ...process.argv.slice(2)];
r = spawnSync(process.execPath, jestArgs, {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, NODE_NO_WARNINGS: '1' },
});
process.exit(r.status ?? 1);
