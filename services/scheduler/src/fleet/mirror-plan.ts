import type { NodeRecord } from './nodes.repository.js';

/** What the mirror must change in Redis to match the inventory (decisions 090, 091). */
export interface MirrorPlan {
  /** In the inventory, not in Redis: written back. */
  missing: NodeRecord[];
  /** In both, with differing record fields: corrected to the inventory (`read`: what Redis held). */
  differing: { read: string[]; record: NodeRecord }[];
  /** Only in Redis: removed from the inventory (or a Redis restored from an old snapshot). */
  onlyInRedis: string[];
}

/**
 * Compares Redis (read first) with the inventory (read after). A registration writes
 * PostgreSQL first, so a node Redis held at its read was in the inventory then: a node
 * only Redis holds was removed from the inventory, never one being registered.
 * `fieldsOf` gives a record's fields as Redis holds them, to compare like with like.
 */
export function planMirror(
  mirrored: { record: NodeRecord; fields: string[] }[],
  inventory: NodeRecord[],
  fieldsOf: (n: NodeRecord) => string[],
): MirrorPlan {
  const inRedis = new Map(mirrored.map((m) => [m.record.id, m]));
  const inTable = new Set(inventory.map((n) => n.id));
  const plan: MirrorPlan = { missing: [], differing: [], onlyInRedis: [] };
  for (const record of inventory) {
    const m = inRedis.get(record.id);
    if (!m) plan.missing.push(record);
    else if (!sameFields(fieldsOf(m.record), fieldsOf(record))) plan.differing.push({ read: m.fields, record });
  }
  plan.onlyInRedis = [...inRedis.keys()].filter((id) => !inTable.has(id));
  return plan;
}

const sameFields = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);
