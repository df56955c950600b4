import type { PollTarget } from '@ensemble/contracts';

/**
 * 32-bit FNV-1a over the UTF-8 bytes of `key`. Stable across processes,
 * machines and Node versions (unlike any hash seeded per process), so every
 * collector computes the same shard for the same node.
 */
export function fnv1a32(key: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The shard (0..count-1) that polls `nodeId`. */
export function shardOf(nodeId: string, count: number): number {
  return fnv1a32(nodeId) % count;
}

export interface Shard {
  index: number;
  count: number;
}

/**
 * The targets this collector polls: those whose node hashes to its shard. With
 * `count` collectors numbered 0..count-1, every node is polled by exactly one.
 */
export function targetsOfShard<T extends Pick<PollTarget, 'nodeId'>>(targets: readonly T[], shard: Shard): T[] {
  if (shard.count <= 1) return [...targets];
  return targets.filter((t) => shardOf(t.nodeId, shard.count) === shard.index);
}
