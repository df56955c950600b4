/** The text of `<name>` in one `<recording>` element of a node's answer. */
const field = (item: string, name: string): string => new RegExp(`<${name}>([^<]*)</${name}>`).exec(item)?.[1] ?? '';

/**
 * The nodes' recordings the index does not hold yet (not transferred, or still uploading),
 * one per record id (a recording could be answered by two nodes), in the index's order:
 * start time, then record id. A record id the index holds in any state is left out, so a
 * recording deleted through the API does not come back from its node.
 */
export async function nodeOnly(
  items: readonly string[],
  indexed: (ids: readonly string[]) => Promise<Set<string>>,
): Promise<string[]> {
  const byId = new Map<string, string>();
  for (const item of items) {
    const id = field(item, 'recordID');
    if (id && !byId.has(id)) byId.set(id, item);
  }
  if (byId.size === 0) return [];
  const known = await indexed([...byId.keys()]);
  return [...byId.entries()]
    .filter(([id]) => !known.has(id))
    .map(([id, item]) => ({ id, item, start: Number(field(item, 'startTime')) || 0 }))
    .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((x) => x.item);
}
