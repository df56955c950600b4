import { clusterView, type FleetNodeEvent, type LoadSample, type NodeHealthEvent } from '@ensemble/contracts';
import type { Cluster, ClusterNode } from './ops-api.js';

/**
 * The cluster as the dashboard keeps it between reads of `GET /api/ops/cluster`:
 * events patch the nodes, and placeability, capacity shares and totals are derived
 * again by the gateway's own `clusterView` (so a bar moves with the sample, not a reload later).
 */
export const derive = (nodes: ClusterNode[]): Cluster => clusterView(nodes);

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
