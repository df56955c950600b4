// `node scripts/build.mjs`: every project's `build` through Nx (dependencies first, cached).
// `node scripts/build.mjs <dir>...`: those packages now, without Nx; this is the command of
// each project's Nx `build` target: swc for src/ into dist/ (tsc typechecks separately),
// Vite where the package has a vite.config.ts (the web app, into web/dist).
import { transformFile } from '@swc/core';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { log, nx, root } from './lib/setup.mjs';

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

// dist/ is rewritten in place, then cleared of what no source makes any more: a process
// started from dist/ meanwhile (an e2e suite running the stack) never finds it missing.
async function swcBuild(base) {
  const src = join(base, 'src');
  const out = join(base, 'dist');
  const made = new Set();
  for (const file of walk(src)) {
    const target = join(out, relative(src, file));
    if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
      if (TEST.test(file)) continue;
      mkdirSync(dirname(target), { recursive: true });
      const { code, map } = await transformFile(file, {
        ...swcOptions,
        filename: file,
        sourceFileName: relative(dirname(target), file),
      });
      const js = target.replace(/\.ts$/, '.js');
      writeFileSync(js, `${code}\n//# sourceMappingURL=${js.split('/').pop()}.map\n`);
      made.add(js);
      if (map) writeFileSync(`${js}.map`, map);
      made.add(`${js}.map`);
    } else if (!file.endsWith('.ts')) {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target); // Lua scripts, templates
      made.add(target);
    }
  }
  if (existsSync(out)) for (const file of walk(out)) if (!made.has(file)) rmSync(file);
  return `${[...made].filter((f) => f.endsWith('.js')).length} files`;
}

async function viteBuild(base) {
  const { build } = await import('vite');
  await build({ configFile: join(base, 'vite.config.ts'), logLevel: 'warn' });
  return 'vite';
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) process.exit(nx(['run-many', '-t', 'build']));

for (const dir of dirs) {
  const started = Date.now();
  const base = resolve(root, dir);
  if (!existsSync(join(base, 'src'))) throw new Error(`${dir}: no src/ to build`);
  const how = existsSync(join(base, 'vite.config.ts')) ? await viteBuild(base) : await swcBuild(base);
  log(`built ${relative(root, base)} (${how}) in ${Date.now() - started} ms`);
}
