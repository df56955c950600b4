/**
 * The seed's Jitsi rule, for comparison: every new call goes to the node with the
 * most free CPU in the last sample (argmax of 1 - cpu). Nothing it decides
 * changes its input, so between two samples it answers the same node every time.
 */
export function seedPick(nodes: readonly { id: string; cpu: number }[]): string {
  let best = nodes[0];
  for (const n of nodes) if (best && 1 - n.cpu > 1 - best.cpu) best = n;
  if (!best) throw new Error('no nodes');
  return best.id;
}
