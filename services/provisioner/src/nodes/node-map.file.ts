import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** One entry of the module's `nodes` variable. */
export const nodeSpecSchema = z.object({ offer: z.string().max(32), zone: z.string().max(32) });
export type NodeSpec = z.infer<typeof nodeSpecSchema>;
export type NodeMap = Record<string, NodeSpec>;

const fileSchema = z.object({ nodes: z.record(z.string(), nodeSpecSchema) });

export const NODE_MAP_FILE = 'nodes.auto.tfvars.json';

/**
 * The desired node map, `nodes.auto.tfvars.json` in the module directory (Terraform
 * loads `*.auto.tfvars.json` by itself). Written whole, through a rename.
 */
export class NodeMapFile {
  private readonly path: string;
  constructor(dir: string) {
    this.path = join(dir, NODE_MAP_FILE);
  }

  async read(): Promise<NodeMap> {
    if (!existsSync(this.path)) return {};
    return fileSchema.parse(JSON.parse(await readFile(this.path, 'utf8'))).nodes;
  }

  async write(nodes: NodeMap): Promise<void> {
    const sorted = Object.fromEntries(Object.entries(nodes).sort(([a], [b]) => a.localeCompare(b)));
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ nodes: sorted }, null, 2)}\n`);
    await rename(tmp, this.path);
  }
}
