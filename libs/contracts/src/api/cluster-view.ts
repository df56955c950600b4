import type { Engine, NodeState } from '../contracts/common.schema.js';
import type { FleetNodeView } from '../contracts/fleet.schema.js';

export type ClusterNode = FleetNodeView & {
  /** Can take new rooms now: enabled and online. */
  placeable: boolean;
  /** This node's part of its engine's placeable capacity (by loadMultiplier), 0..1; 0 when not placeable. */
  capacityShare: number;
};

export interface ClusterView {
  nodes: ClusterNode[];
  totals: {
    nodes: number;
    online: number;
    placeable: number;
    states: Record<NodeState, number>;
    meetings: number;
    participants: number;
    videoStreams: number;
    largestMeeting: number;
    rooms: number;
    /** Distinct versions reported, with how many nodes run each. */
    versions: Record<string, number>;
  };
}

/** The cluster as operators see it: each node with its capacity share, and fleet totals. */
export function clusterView(nodes: readonly FleetNodeView[]): ClusterView {
  const placeable = (n: FleetNodeView) => n.state === 'enabled' && n.health === 'online';
  const capacity = new Map<Engine, number>();
  for (const n of nodes) if (placeable(n)) capacity.set(n.engine, (capacity.get(n.engine) ?? 0) + n.loadMultiplier);
  const sum = (f: (n: FleetNodeView) => number) => nodes.reduce((s, n) => s + f(n), 0);
  const states: Record<NodeState, number> = { enabled: 0, cordoned: 0, disabled: 0 };
  const versions: Record<string, number> = {};
  for (const n of nodes) {
    states[n.state]++;
    if (n.version) versions[n.version] = (versions[n.version] ?? 0) + 1;
  }
  return {
    nodes: nodes.map((n) => ({
      ...n,
      placeable: placeable(n),
      capacityShare: placeable(n) ? round(n.loadMultiplier / capacity.get(n.engine)!) : 0,
    })),
    totals: {
      nodes: nodes.length,
      online: nodes.filter((n) => n.health === 'online').length,
      placeable: nodes.filter(placeable).length,
      states,
      meetings: sum((n) => n.lastSample?.meetings ?? 0),
      participants: sum((n) => n.lastSample?.participants ?? 0),
      videoStreams: sum((n) => n.lastSample?.videoStreams ?? 0),
      largestMeeting: nodes.reduce((m, n) => Math.max(m, n.lastSample?.largestMeeting ?? 0), 0),
      rooms: sum((n) => n.rooms),
      versions,
    },
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
