import { parse } from '@cdktf/hcl2json';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** infra/terraform, the module the provisioner runs. */
export const MODULE_DIR = fileURLToPath(new URL('../../../../infra/terraform/', import.meta.url));
// oxlint-disable-next-line typescript/no-explicit-any -- HCL read as JSON: any block, any attribute
export type Hcl = Record<string, any>;

/**
 * Every `.tf` file of the module read with HashiCorp's own HCL parser (Go, compiled to
 * WebAssembly), merged into one tree: `hcl.resource[type][name][0]`, `hcl.output[name][0]`, ...
 */
export async function readModule(): Promise<{ hcl: Hcl; files: Record<string, string> }> {
  const hcl: Hcl = {};
  const files: Record<string, string> = {};
  for (const name of readdirSync(MODULE_DIR).filter((f) => f.endsWith('.tf'))) {
    files[name] = readFileSync(MODULE_DIR + name, 'utf8');
    const parsed = (await parse(name, files[name])) as Hcl;
    for (const [block, body] of Object.entries(parsed)) {
      if (Array.isArray(body)) {
        hcl[block] = [...(hcl[block] ?? []), ...body]; // locals: one entry per block
        continue;
      }
      hcl[block] ??= {};
      for (const [k, v] of Object.entries(body as Hcl))
        hcl[block][k] = Array.isArray(v) ? [...(hcl[block][k] ?? []), ...v] : { ...hcl[block][k], ...(v as Hcl) };
    }
  }
  return { hcl, files };
}

export function resourceOf(hcl: Hcl, type: string, name: string): Hcl {
  const r = hcl.resource?.[type]?.[name]?.[0];
  if (!r) throw new Error(`no resource ${type}.${name}`);
  return r;
}
