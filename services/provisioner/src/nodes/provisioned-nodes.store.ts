import { guarded } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { keys } from '../keys.js';

export const provisionedNodeSchema = z.object({
  name: z.string(),
  hostname: z.string(),
  ipv4: z.string(),
  runId: z.string(),
  at: z.number(),
});
export type ProvisionedNode = z.infer<typeof provisionedNodeSchema>;

/** Nodes this provisioner created (never their secrets): for file-SD and scale-in. */
export class ProvisionedNodesStore {
  constructor(private readonly redis: Redis) {}

  async add(nodes: ProvisionedNode[]): Promise<void> {
    if (nodes.length === 0) return;
    await guarded('provisioned nodes', () =>
      this.redis.hset(keys.nodes, Object.fromEntries(nodes.map((n) => [n.name, JSON.stringify(n)]))),
    );
  }

  async remove(name: string): Promise<void> {
    await guarded('provisioned nodes', () => this.redis.hdel(keys.nodes, name));
  }

  async all(): Promise<ProvisionedNode[]> {
    const raw = await guarded('provisioned nodes', () => this.redis.hgetall(keys.nodes));
    return Object.values(raw)
      .map((v) => provisionedNodeSchema.parse(JSON.parse(v)))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
