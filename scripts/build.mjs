// Builds every workspace package's src/ into dist/ with swc (tsc typechecks in `npm test`).
// `node scripts/build.mjs [dir...]`: only those packages.
import { transformFile } from '@swc/core';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { log, root } from './lib/setup.mjs';

const PACKAGES = [
  'libs/shared',
  'libs/testing',
  'tools/bbb-sim',
  'tools/jitsi-sim',
  'services/scheduler',
  'services/load-collector',
  'services/gateway-api',
  'services/provisioner',
  'bench',
  'tools/cli',
];
const TEST = /\.(spec|int-spec|e2e-spec|test-support)\.ts$/;

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: true,
};

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

async function buildPackage(pkg) {
  const src = join(root, pkg, 'src');
  const out = join(root, pkg, 'dist');
  rmSync(out, { recursive: true, force: true });
  let count = 0;
  for (const file of walk(src)) {
    const rel = relative(src, file);
    const target = join(out, rel);
    mkdirSync(dirname(target), { recursive: true });
    if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
      if (TEST.test(file)) continue;
      const { code, map } = await transformFile(file, {
        ...swcOptions,
        filename: file,
        sourceFileName: relative(dirname(target), file),
      });
      const js = target.replace(/\.ts$/, '.js');
      writeFileSync(js, `${code}\n//# sourceMappingURL=${js.split('/').pop()}.map\n`);
      if (map) writeFileSync(`${js}.map`, map);
      count++;
    } else if (!file.endsWith('.ts')) {
      copyFileSync(file, target); // Lua scripts, templates
    }
  }
  return count;
}

const wanted = process.argv.slice(2);
const list = wanted.length ? PACKAGES.filter((p) => wanted.some((w) => join(root, w) === join(root, p))) : PACKAGES;
const started = Date.now();
for (const pkg of list) {
  try {
    statSync(join(root, pkg, 'src'));
  } catch {
    continue;
  }
  const n = await buildPackage(pkg);
  log(`built ${pkg} (${n} files)`);
}
// The web app: Vite (its own transform; no tsc emit) into web/dist, served by the gateway.
if (!wanted.length || wanted.some((w) => join(root, w) === join(root, 'web'))) {
  const t = Date.now();
  const { build } = await import('vite');
  await build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'warn' });
  log(`built web (vite) in ${Date.now() - t} ms`);
}
log(`build done in ${Date.now() - started} ms`);
