// Module boundaries from Nx project tags: the projects, their tags (package.json `nx.tags`) and
// their declared dependencies come from Nx's project graph, the rules from boundaries.json
// (shaped like @nx/enforce-module-boundaries' depConstraints, which cannot run here: it needs
// typescript-eslint, and TypeScript 7 has no JS API for it). Imports are read by Nx's own
// parser (findImports). Each project's `lint` runs this for itself:
//   node scripts/check-boundaries.mjs [project...]   (no argument: every project)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createProjectGraphAsync, readCachedProjectGraph } from 'nx/src/devkit-exports.js';
import { findImports } from 'nx/src/native/index.js';
import { root } from './lib/setup.mjs';

const { depConstraints, entryPoints = {} } = JSON.parse(readFileSync(join(root, 'boundaries.json'), 'utf8'));
// Inside an Nx task the graph was just computed by the run; on its own, compute it.
const graph = process.env.NX_TASK_TARGET_PROJECT ? readCachedProjectGraph() : await createProjectGraphAsync();
const projects = Object.values(graph.nodes).map(({ name, data }) => ({
  name,
  root: data.root,
  tags: data.tags ?? [],
  pkg: existsSync(join(root, data.root, 'package.json'))
    ? JSON.parse(readFileSync(join(root, data.root, 'package.json'), 'utf8'))
    : {},
}));
const byPackage = new Map(projects.map((p) => [p.pkg.name, p]));
const isTest = (file) => /\.(spec|int-spec|e2e-spec|test-support)\.tsx?$/.test(file);
const problems = [];

/** The tags an import of `spec` (a package or one of its entry points) counts as. */
function targetOf(spec) {
  const name = spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
  const target = byPackage.get(name);
  if (!target) return null;
  const subpath = `.${spec.slice(name.length)}`;
  const exported = !target.pkg.exports || subpath in target.pkg.exports;
  return { target, exported, tags: entryPoints[spec] ?? target.tags };
}

/** Null when a project tagged `sourceTags` may depend on one tagged `targetTags`, else why not. */
function refusal(sourceTags, targetTags, inTest) {
  const rules = depConstraints.filter((c) => sourceTags.includes(c.sourceTag));
  if (rules.length === 0)
    return `no constraint applies to its tags (${sourceTags.join(', ')}): add one to boundaries.json`;
  for (const c of rules) {
    const allowed = [...c.onlyDependOnLibsWithTags, ...(inTest ? (c.testsMayAlsoDependOnLibsWithTags ?? []) : [])];
    if (!allowed.includes('*') && !allowed.some((t) => targetTags.includes(t))) {
      const tests = c.testsMayAlsoDependOnLibsWithTags?.some((t) => targetTags.includes(t))
        ? ' outside test files'
        : '';
      return `${c.sourceTag} may depend only on ${allowed.join(', ')}${tests}`;
    }
  }
  return null;
}

const mayUseAnything = (project) =>
  depConstraints.some((c) => project.tags.includes(c.sourceTag) && c.onlyDependOnLibsWithTags.includes('*'));

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'artifacts'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) yield relative(root, path);
  }
}

function check(project) {
  const base = join(root, project.root);
  const prodDeps = Object.keys(project.pkg.dependencies ?? {});
  const testDeps = [...prodDeps, ...Object.keys(project.pkg.devDependencies ?? {})];
  // What package.json declares is what Nx's graph shows: it must keep to the tags too.
  for (const name of testDeps) {
    const target = byPackage.get(name);
    if (!target) continue;
    const asTags = [
      target.tags,
      ...Object.keys(entryPoints).flatMap((e) => (targetOf(e)?.target === target ? [entryPoints[e]] : [])),
    ];
    const inTest = !prodDeps.includes(name);
    if (asTags.every((tags) => refusal(project.tags, tags, inTest))) {
      problems.push(`${project.root}/package.json: ${name}: ${refusal(project.tags, target.tags, inTest)}`);
    }
  }
  const files = [...sourceFiles(base)];
  for (const { file, staticImportExpressions, dynamicImportExpressions } of findImports({ [project.name]: files })) {
    const test = isTest(file);
    for (const spec of [...staticImportExpressions, ...dynamicImportExpressions]) {
      if (spec.startsWith('.')) {
        // Only a project that may depend on anything (e2e) reaches into another by path.
        if (!resolve(root, dirname(file), spec).startsWith(base + '/') && !mayUseAnything(project)) {
          problems.push(`${file}: ${spec} leaves ${project.root}: import the package by name`);
        }
        continue;
      }
      const found = targetOf(spec);
      if (!found || found.target === project) continue;
      const { target, exported, tags } = found;
      if (!exported)
        problems.push(`${file}: ${spec} is not an entry point of ${target.pkg.name} (package.json exports)`);
      if (!(test ? testDeps : prodDeps).includes(target.pkg.name)) {
        const where = test ? 'dependencies or devDependencies' : 'dependencies';
        problems.push(`${file}: imports ${target.pkg.name}, missing from ${project.root}/package.json ${where}`);
      }
      const why = refusal(project.tags, tags, test);
      if (why) problems.push(`${file}: ${spec} (${tags.filter((t) => !t.startsWith('npm:')).join(', ')}): ${why}`);
    }
  }
}

// The rules themselves stay live: every entry point exists, every constrained tag is used.
for (const spec of Object.keys(entryPoints)) {
  if (!targetOf(spec)?.exported) problems.push(`boundaries.json: entry point ${spec} is not exported by any project`);
}
for (const { sourceTag } of depConstraints) {
  if (!projects.some((p) => p.tags.includes(sourceTag)))
    problems.push(`boundaries.json: no project is tagged ${sourceTag}`);
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !graph.nodes[w]);
if (unknown.length) problems.push(`unknown project(s): ${unknown.join(', ')}`);
for (const p of projects) if (wanted.length === 0 || wanted.includes(p.name)) check(p);

if (problems.length) {
  process.stderr.write(`module boundaries broken:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(`module boundaries: ok (${wanted.length ? wanted.join(', ') : 'every project'})\n`);
