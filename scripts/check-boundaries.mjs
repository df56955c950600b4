// Module boundaries, enforced: services depend on libs, never on each other or on tools;
// libs never depend on services; web imports only @ensemble/shared. Tests in e2e/ may use all.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { root } from './lib/setup.mjs';

const ALLOWED = {
  'libs/shared': [],
  'libs/testing': ['@ensemble/shared'],
  'tools/bbb-sim': ['@ensemble/shared', '@ensemble/testing'],
  'tools/jitsi-sim': ['@ensemble/shared', '@ensemble/testing'],
  'services/scheduler': ['@ensemble/shared', '@ensemble/testing', '@ensemble/jitsi-sim'],
  'services/load-collector': ['@ensemble/shared', '@ensemble/testing', '@ensemble/bbb-sim', '@ensemble/jitsi-sim'],
  'services/gateway-api': ['@ensemble/shared', '@ensemble/testing', '@ensemble/bbb-sim'],
  'services/provisioner': ['@ensemble/shared', '@ensemble/testing'],
  // web: only the browser-safe entry (schemas, types, errors); never Node-only modules.
  web: ['@ensemble/shared/api'],
  'tools/cli': ['@ensemble/shared', '@ensemble/testing'],
};
// Production code may use only libs; sims and the test harness are for tests.
const TEST_ONLY = new Set(['@ensemble/testing', '@ensemble/bbb-sim', '@ensemble/jitsi-sim']);
const isTest = (f) => /\.(spec|int-spec|e2e-spec|test-support)\.tsx?$/.test(f);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx)$/.test(name)) yield p;
  }
}

const problems = [];
for (const [pkg, allowed] of Object.entries(ALLOWED)) {
  const base = join(root, pkg);
  let list;
  try {
    list = [...files(join(base, 'src'))];
  } catch {
    continue;
  }
  for (const file of list) {
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      const where = relative(root, file);
      if (spec.startsWith('@ensemble/')) {
        if (!allowed.includes(spec)) problems.push(`${where}: ${pkg} may not import ${spec}`);
        else if (TEST_ONLY.has(spec) && !isTest(file)) problems.push(`${where}: ${spec} is for tests only`);
      } else if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(base + '/')) problems.push(`${where}: relative import leaves ${pkg}: ${spec}`);
      }
    }
  }
}
if (problems.length) {
  process.stderr.write(`module boundaries broken:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write('module boundaries: ok\n');
