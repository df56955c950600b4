import type { FleetNodeEvent, LoadSample, NodeHealthEvent, NodeState } from '@ensemble/shared/api';
import type { Cluster, ClusterNode } from './ops-api.js';

/**
 * The cluster as the dashboard keeps it between reads of `GET /api/ops/cluster`:
 * events patch the nodes, and placeability, capacity shares and totals are derived
 * again the way the gateway derives them (so a bar moves with the sample, not a reload later).
 */
export function derive(nodes: ClusterNode[]): Cluster {
  const placeable = (n: ClusterNode) => n.state === 'enabled' && n.health === 'online';
  const capacity = new Map<string, number>();
  for (const n of nodes) if (placeable(n)) capacity.set(n.engine, (capacity.get(n.engine) ?? 0) + n.loadMultiplier);
  const states: Record<NodeState, number> = { enabled: 0, cordoned: 0, disabled: 0 };
  const versions: Record<string, number> = {};
  let meetings = 0;
  let participants = 0;
  let videoStreams = 0;
  let largestMeeting = 0;
  let rooms = 0;
  for (const n of nodes) {
    states[n.state]++;
    if (n.version) versions[n.version] = (versions[n.version] ?? 0) + 1;
    meetings += n.lastSample?.meetings ?? 0;
    participants += n.lastSample?.participants ?? 0;
    videoStreams += n.lastSample?.videoStreams ?? 0;
    largestMeeting = Math.max(largestMeeting, n.lastSample?.largestMeeting ?? 0);
    rooms += n.rooms;
  }
  return {
    nodes: nodes.map((n) => ({
      ...n,
      placeable: placeable(n),
      capacityShare: placeable(n) ? n.loadMultiplier / (capacity.get(n.engine) ?? 1) : 0,
    })),
    totals: {
      nodes: nodes.length,
      online: nodes.filter((n) => n.health === 'online').length,
      placeable: nodes.filter(placeable).length,
      states,
      meetings,
      participants,
      videoStreams,
      largestMeeting,
      rooms,
      versions,
    },
  };
}

const patch = (c: Cluster, id: string, f: (n: ClusterNode) => ClusterNode): Cluster =>
  c.nodes.some((n) => n.id === id) ? derive(c.nodes.map((n) => (n.id === id ? f(n) : n))) : c;

/** A newer poll of a node: its meetings, participants, CPU. Older or unknown ones change nothing. */
export const applyLoad = (c: Cluster, s: LoadSample): Cluster =>
  patch(c, s.nodeId, (n) => (n.lastSample && n.lastSample.at >= s.at ? n : { ...n, lastSample: s }));

export const applyHealth = (c: Cluster, e: NodeHealthEvent): Cluster =>
  patch(c, e.nodeId, (n) => ({ ...n, health: e.health }));

/**
 * A fleet change. Returns null when only a fresh read can tell (a node added:
 * the event carries no load view).
 */
export function applyFleet(c: Cluster, e: FleetNodeEvent): Cluster | null {
  if (e.change === 'removed') return derive(c.nodes.filter((n) => n.id !== e.node.id));
  if (!c.nodes.some((n) => n.id === e.node.id)) return null;
  const { state, health, loadMultiplier, tags, url } = e.node;
  return patch(c, e.node.id, (n) => ({ ...n, state, health, loadMultiplier, tags, url }));
}

export const percent = (x: number) => `${Math.round(x * 100)}%`;
