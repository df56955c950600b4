import type { NodeHealth, NodeState } from '@ensemble/contracts';

export interface AutoscaleSettings {
  highShare: number;
  lowShare: number;
  windowMs: number;
  cooldownMs: number;
  maxFleet: number;
  step: number;
  /** Load units one node carries at loadMultiplier 1. */
  nodeCapacity: number;
}

export interface NodeLoad {
  id: string;
  state: NodeState;
  health: NodeHealth;
  load: number;
  loadMultiplier: number;
  rooms: number;
  /** Created by the provisioner (only those are ever scaled in). */
  provisioned: boolean;
}

export interface FleetSnapshot {
  at: number;
  nodes: NodeLoad[];
  runInProgress: boolean;
}

export interface PolicyDecision {
  action: 'scale-out' | 'scale-out-held' | 'cordon' | 'uncordon' | 'scale-in';
  reason: string;
  count?: number;
  nodeId?: string;
  usedShare: number;
  fleetSize: number;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * When to grow or shrink the BBB fleet, from load snapshots alone (no I/O, no clock
 * of its own). Hot (used share >= high) for a whole window -> scale out by K, then
 * not again within the cool-down, never beyond the maximum fleet size. Cold (used
 * share <= low) for a window while a provisioned node sat idle for a window -> cordon
 * it; once it is empty -> scale it in; if the fleet warms up first -> uncordon it.
 */
export class AutoscalePolicy {
  private hotSince: number | null = null;
  private coldSince: number | null = null;
  private lastScaleOutAt = Number.NEGATIVE_INFINITY;
  private lastHeld: string | null = null;
  private readonly idleSince = new Map<string, number>();
  private readonly draining = new Set<string>();

  constructor(private readonly s: AutoscaleSettings) {}

  usedShare(nodes: NodeLoad[]): number {
    const serving = nodes.filter((n) => n.state === 'enabled' && n.health === 'online');
    const capacity = serving.reduce((sum, n) => sum + this.s.nodeCapacity * n.loadMultiplier, 0);
    return capacity > 0 ? serving.reduce((sum, n) => sum + n.load, 0) / capacity : 0;
  }

  decide(snap: FleetSnapshot): PolicyDecision[] {
    const usedShare = this.usedShare(snap.nodes);
    const fleetSize = snap.nodes.length;
    const base = { usedShare, fleetSize };
    const out: PolicyDecision[] = [];
    this.trackIdle(snap);

    this.hotSince = usedShare >= this.s.highShare ? (this.hotSince ?? snap.at) : null;
    this.coldSince = usedShare <= this.s.lowShare ? (this.coldSince ?? snap.at) : null;

    if (this.hotSince !== null && snap.at - this.hotSince >= this.s.windowMs) {
      const hot = `used share ${pct(usedShare)} >= ${pct(this.s.highShare)} for ${Math.round((snap.at - this.hotSince) / 1000)} s`;
      let held: [string, string] | null = null;
      if (snap.at - this.lastScaleOutAt < this.s.cooldownMs)
        held = ['cool-down', `${hot}, but within the cool-down of the last scale-out`];
      else if (fleetSize >= this.s.maxFleet)
        held = ['max-fleet', `${hot}, but the fleet is at its maximum of ${this.s.maxFleet}`];
      else if (snap.runInProgress) held = ['run', `${hot}, but a provisioning run is in progress`];
      if (held) {
        // Said once per cause, not at every evaluation.
        if (held[0] !== this.lastHeld) out.push({ action: 'scale-out-held', reason: held[1], ...base });
        this.lastHeld = held[0];
      } else {
        const count = Math.min(this.s.step, this.s.maxFleet - fleetSize);
        out.push({ action: 'scale-out', count, reason: hot, ...base });
        this.lastScaleOutAt = snap.at;
        this.hotSince = null;
        this.lastHeld = null;
      }
    } else {
      this.lastHeld = null;
    }

    out.push(...this.scaleIn(snap, base));
    return out;
  }

  private scaleIn(snap: FleetSnapshot, base: { usedShare: number; fleetSize: number }): PolicyDecision[] {
    const out: PolicyDecision[] = [];
    const byId = new Map(snap.nodes.map((n) => [n.id, n]));
    for (const id of this.draining) {
      const n = byId.get(id);
      if (!n || n.state !== 'cordoned') {
        this.draining.delete(id); // gone, or an operator changed it: not ours any more
      } else if (this.coldSince === null) {
        this.draining.delete(id);
        out.push({
          action: 'uncordon',
          nodeId: id,
          reason: `used share ${pct(base.usedShare)} rose above ${pct(this.s.lowShare)} while ${id} drained`,
          ...base,
        });
      } else if (n.rooms === 0 && n.load === 0 && !snap.runInProgress) {
        this.draining.delete(id);
        out.push({ action: 'scale-in', nodeId: id, reason: `${id} is cordoned and empty`, ...base });
      }
    }
    if (this.draining.size > 0 || this.coldSince === null || snap.at - this.coldSince < this.s.windowMs) return out;
    const enabled = snap.nodes.filter((n) => n.state === 'enabled' && n.health === 'online');
    if (enabled.length <= 1) return out; // never drain the last serving node
    const candidate = enabled
      .filter((n) => n.provisioned && snap.at - (this.idleSince.get(n.id) ?? snap.at) >= this.s.windowMs)
      .sort((a, b) => (this.idleSince.get(a.id) ?? 0) - (this.idleSince.get(b.id) ?? 0) || a.id.localeCompare(b.id))[0];
    if (candidate) {
      this.draining.add(candidate.id);
      const idleS = Math.round((snap.at - this.idleSince.get(candidate.id)!) / 1000);
      out.push({
        action: 'cordon',
        nodeId: candidate.id,
        reason: `used share ${pct(base.usedShare)} <= ${pct(this.s.lowShare)} and ${candidate.id} idle for ${idleS} s`,
        ...base,
      });
    }
    return out;
  }

  private trackIdle(snap: FleetSnapshot): void {
    const seen = new Set<string>();
    for (const n of snap.nodes) {
      seen.add(n.id);
      if (n.rooms === 0 && n.load === 0) {
        if (!this.idleSince.has(n.id)) this.idleSince.set(n.id, snap.at);
      } else this.idleSince.delete(n.id);
    }
    for (const id of this.idleSince.keys()) if (!seen.has(id)) this.idleSince.delete(id);
  }
}
