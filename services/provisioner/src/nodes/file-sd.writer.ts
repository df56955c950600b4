import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProvisionedNode } from './provisioned-nodes.repository.js';

export const FILE_SD_NAME = 'bbb-provisioned.json';

/** Exporters scraped on each provisioned BBB node (node_exporter, bbb-exporter). */
const EXPORTERS = [
  { port: 9100, job: 'bbb-node-exporter' },
  { port: 9688, job: 'bbb-exporter' },
] as const;

/**
 * Prometheus file-based service discovery: one JSON file, a list of
 * `{ targets, labels }`, rewritten whole (through a rename, so Prometheus never
 * reads half a file) whenever the provisioned fleet changes.
 */
export class FileSdWriter {
  constructor(private readonly dir: string | undefined) {}

  async write(nodes: ProvisionedNode[]): Promise<void> {
    if (!this.dir) return;
    const groups = nodes.flatMap((n) =>
      EXPORTERS.map((e) => ({
        targets: [`${n.hostname}:${e.port}`],
        labels: { job: e.job, node: n.name, engine: 'bbb', provisioned: 'true' },
      })),
    );
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, FILE_SD_NAME);
    await writeFile(`${path}.tmp`, `${JSON.stringify(groups, null, 2)}\n`);
    await rename(`${path}.tmp`, path);
  }
}
