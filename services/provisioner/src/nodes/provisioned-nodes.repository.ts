import { guardedSql } from '@ensemble/shared';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ProvisionerTables } from '../db/schema.js';

export const provisionedNodeSchema = z.object({
  name: z.string(),
  hostname: z.string(),
  ipv4: z.string(),
  runId: z.string(),
  at: z.number(),
});
export type ProvisionedNode = z.infer<typeof provisionedNodeSchema>;

/** Nodes this provisioner created (never their secrets), in PostgreSQL: for file-SD and scale-in. */
export class ProvisionedNodesRepository {
  constructor(private readonly db: Kysely<ProvisionerTables>) {}

  /** Adds or replaces each node, in one statement. */
  async add(nodes: ProvisionedNode[]): Promise<void> {
    if (nodes.length === 0) return;
    await guardedSql('provisioned nodes', () =>
      this.db
        .insertInto('provisioned_nodes')
        .values(nodes.map((n) => ({ name: n.name, hostname: n.hostname, ipv4: n.ipv4, run_id: n.runId, at: n.at })))
        .onConflict((c) =>
          c.column('name').doUpdateSet((eb) => ({
            hostname: eb.ref('excluded.hostname'),
            ipv4: eb.ref('excluded.ipv4'),
            run_id: eb.ref('excluded.run_id'),
            at: eb.ref('excluded.at'),
          })),
        )
        .execute(),
    );
  }

  async remove(name: string): Promise<void> {
    await guardedSql('provisioned nodes', () =>
      this.db.deleteFrom('provisioned_nodes').where('name', '=', name).execute(),
    );
  }

  /** By name. */
  async all(): Promise<ProvisionedNode[]> {
    const rows = await guardedSql('provisioned nodes', () =>
      this.db.selectFrom('provisioned_nodes').selectAll().orderBy('name').execute(),
    );
    return rows.map((r) => ({ name: r.name, hostname: r.hostname, ipv4: r.ipv4, runId: r.run_id, at: Number(r.at) }));
  }
}
