import type { AutoscaleAction, NodeHealth, NodeState } from '@ensemble/contracts';
import { emptyAutoscaleState, type AutoscaleState, type Drain } from './autoscale-state.js';

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

/** What became of a draining node's scale-in run, as its record and the lock tell. */
export type RunOutcome =
  { status: 'running' } | { status: 'succeeded' } | { status: 'failed' | 'interrupted'; why: string };

export interface FleetSnapshot {
  at: number;
  /** The scheduler's BBB nodes. */
  nodes: NodeLoad[];
  /** A provisioning run holds the lock (whoever started it). */
  runInProgress: boolean;
  /** Names still provisioned (in the node map), listed by the scheduler or not; default: the flagged nodes. */
  provisioned?: string[];
  /** Outcomes of the draining nodes' scale-in runs, by run id (none known: interrupted). */
  runs?: Record<string, RunOutcome>;
}

export interface PolicyDecision {
  action: AutoscaleAction;
  reason: string;
  count?: number;
  nodeId?: string;
  runId?: string;
  usedShare: number;
  fleetSize: number;
}

type Base = Pick<PolicyDecision, 'usedShare' | 'fleetSize'>;

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * When to grow or shrink the BBB fleet, from load snapshots and its own remembered
 * state (no I/O, no clock of its own; the state is loaded before and saved after each
 * tick, so a restart resumes where it was). Hot (used share >= high) for a whole window
 * -> scale out by K; the cool-down starts when that run really started (`started`), a
 * refused request starts none (`refused`). Cold (used share <= low) for a window while
 * a provisioned node sat idle for a window -> cordon it; once the scheduler has disabled
 * it as empty (decision 030) -> a scale-in run; once that run succeeded -> removed. If
 * the fleet warms up first -> uncordon it. Every decision, taken or held, has a reason;
 * a held one is said once per cause.
 */
export class AutoscalePolicy {
  readonly state: AutoscaleState;
  /** Drains ended this tick by an uncordon, restored if the uncordon is not done. */
  private readonly uncordoned = new Map<string, Drain>();

  constructor(
    private readonly s: AutoscaleSettings,
    state: AutoscaleState = emptyAutoscaleState(),
  ) {
    this.state = structuredClone(state);
  }

  usedShare(nodes: NodeLoad[]): number {
    const serving = nodes.filter((n) => n.state === 'enabled' && n.health === 'online');
    const capacity = serving.reduce((sum, n) => sum + this.s.nodeCapacity * n.loadMultiplier, 0);
    return capacity > 0 ? serving.reduce((sum, n) => sum + n.load, 0) / capacity : 0;
  }

  decide(snap: FleetSnapshot): PolicyDecision[] {
    const st = this.state;
    const usedShare = this.usedShare(snap.nodes);
    const base: Base = { usedShare, fleetSize: snap.nodes.length };
    const out: PolicyDecision[] = [];
    this.trackIdle(snap);

    st.hotSince = usedShare >= this.s.highShare ? (st.hotSince ?? snap.at) : null;
    st.coldSince = usedShare <= this.s.lowShare ? (st.coldSince ?? snap.at) : null;

    // One run at a time: a run proposed this tick counts as in progress for the rest of it.
    let runStarting = snap.runInProgress;
    if (st.hotSince !== null && snap.at - st.hotSince >= this.s.windowMs) {
      const hot = `used share ${pct(usedShare)} >= ${pct(this.s.highShare)} for ${Math.round((snap.at - st.hotSince) / 1000)} s`;
      let held: [string, string] | null = null;
      if (st.lastScaleOutAt !== null && snap.at - st.lastScaleOutAt < this.s.cooldownMs)
        held = ['cool-down', `${hot}, but within the cool-down of the last scale-out`];
      else if (base.fleetSize >= this.s.maxFleet)
        held = ['max-fleet', `${hot}, but the fleet is at its maximum of ${this.s.maxFleet}`];
      else if (snap.runInProgress) held = ['run', `${hot}, but a provisioning run is in progress`];
      if (held) {
        if (held[0] !== st.lastHeld) out.push({ action: 'scale-out-held', reason: held[1], ...base });
        st.lastHeld = held[0];
      } else {
        const count = Math.min(this.s.step, this.s.maxFleet - base.fleetSize);
        out.push({ action: 'scale-out', count, reason: hot, ...base });
        runStarting = true;
      }
    } else {
      st.lastHeld = null;
    }

    out.push(...this.followDrains(snap, base, runStarting));
    out.push(...this.startDrain(snap, base));
    return out;
  }

  /** The decision's run really started: a scale-out starts the cool-down; a scale-in waits for its run. */
  started(d: PolicyDecision, runId: string, at: number): PolicyDecision {
    const st = this.state;
    if (d.action === 'scale-out') {
      st.lastScaleOutAt = at;
      st.hotSince = null;
      st.lastHeld = null;
    } else if (d.action === 'scale-in' && d.nodeId && st.draining[d.nodeId]) {
      const drain = st.draining[d.nodeId]!;
      drain.stage = 'scaling-in';
      drain.runId = runId;
      delete drain.retryAt;
      delete drain.said;
    }
    return { ...d, runId };
  }

  /**
   * The decision could not be carried out (a refused or failed request): no run, so no
   * cool-down; what it meant to change is undone. The held decision to report, or null
   * when this cause was said already.
   */
  refused(d: PolicyDecision, why: string): PolicyDecision | null {
    const st = this.state;
    const reason = `${d.reason}; not done: ${why}`;
    if (d.action === 'scale-out') {
      if (st.lastHeld === 'refused') return null;
      st.lastHeld = 'refused';
      return { ...d, action: 'scale-out-held', reason };
    }
    const id = d.nodeId;
    if (!id) return null;
    if (d.action === 'cordon') {
      delete st.draining[id];
      return { ...d, action: 'scale-in-held', reason };
    }
    if (d.action === 'uncordon') {
      const drain = this.uncordoned.get(id);
      if (drain) st.draining[id] = drain;
      return { ...d, action: 'scale-in-held', reason };
    }
    const drain = st.draining[id];
    if (d.action === 'scale-in' && drain) return this.say(drain, 'refused', { ...d, action: 'scale-in-held', reason });
    return null;
  }

  /** Each draining node, one step along cordoned -> disabled when empty -> scale-in run -> removed. */
  private followDrains(snap: FleetSnapshot, base: Base, runStarting: boolean): PolicyDecision[] {
    const st = this.state;
    const out: PolicyDecision[] = [];
    const byId = new Map(snap.nodes.map((n) => [n.id, n]));
    const provisioned = new Set(snap.provisioned ?? snap.nodes.filter((n) => n.provisioned).map((n) => n.id));
    const push = (d: PolicyDecision | null) => void (d && out.push(d));
    for (const [id, drain] of Object.entries(st.draining)) {
      const n = byId.get(id);
      const decision = (action: AutoscaleAction, reason: string, runId?: string): PolicyDecision => ({
        action,
        nodeId: id,
        reason,
        ...(runId ? { runId } : {}),
        ...base,
      });
      if (drain.stage === 'scaling-in') {
        const runId = drain.runId ?? 'unknown';
        const outcome: RunOutcome = snap.runs?.[runId] ?? { status: 'interrupted', why: 'its run left no record' };
        if (outcome.status === 'running') continue;
        if (outcome.status === 'succeeded') {
          delete st.draining[id];
          push(decision('removed', `run ${runId} destroyed ${id} and the scheduler forgot it`, runId));
          continue;
        }
        drain.stage = 'cordoned';
        drain.retryAt = snap.at + this.s.windowMs;
        drain.said = 'run-failed';
        delete drain.runId;
        push(
          decision(
            'scale-in-held',
            `scale-in run ${runId} of ${id} ${outcome.status}: ${outcome.why}; tried again after the window`,
            runId,
          ),
        );
        continue;
      }
      if (!n && !provisioned.has(id)) {
        delete st.draining[id];
        push(decision('abandoned', `${id} left the fleet and the node map before its scale-in`));
        continue;
      }
      if (n?.state === 'enabled') {
        delete st.draining[id];
        push(decision('abandoned', `${id} was enabled again by someone else: drain abandoned`));
        continue;
      }
      if (n && st.coldSince === null) {
        delete st.draining[id];
        this.uncordoned.set(id, drain);
        push(
          decision(
            'uncordon',
            `used share ${pct(base.usedShare)} rose above ${pct(this.s.lowShare)} while ${id} drained`,
          ),
        );
        continue;
      }
      if (drain.retryAt !== undefined && snap.at < drain.retryAt) continue;
      if (n?.state === 'cordoned') {
        const [cause, why] =
          n.health !== 'online'
            ? ['unreachable', `${id} is cordoned but ${n.health}: no poll can see it empty`]
            : n.rooms > 0 || n.load > 0
              ? ['not-empty', `${id} is cordoned and still holds ${n.rooms} rooms; waiting for them to end`]
              : ['empty', `${id} is cordoned and empty; waiting for the scheduler to disable it`];
        push(this.say(drain, cause, decision('scale-in-held', why)));
        continue;
      }
      if (n && n.rooms > 0) {
        push(this.say(drain, 'rooms', decision('scale-in-held', `${id} is disabled but still holds ${n.rooms} rooms`)));
        continue;
      }
      const ready = n ? `${id} is disabled and empty` : `${id} left the scheduler's inventory but is still provisioned`;
      if (runStarting) {
        push(this.say(drain, 'run', decision('scale-in-held', `${ready}, but a provisioning run is in progress`)));
        continue;
      }
      runStarting = true;
      push(decision('scale-in', ready));
    }
    return out;
  }

  /** Cold for a window and a provisioned node idle for a window -> cordon it (one drain at a time). */
  private startDrain(snap: FleetSnapshot, base: Base): PolicyDecision[] {
    const st = this.state;
    const cold = st.coldSince !== null && snap.at - st.coldSince >= this.s.windowMs;
    if (!cold) st.drainHeld = null;
    if (Object.keys(st.draining).length > 0 || !cold) return [];
    const enabled = snap.nodes.filter((n) => n.state === 'enabled' && n.health === 'online');
    if (enabled.length <= 1) return []; // never drain the last serving node
    const idle = (n: NodeLoad) => st.idleSince[n.id] ?? snap.at;
    const candidate = enabled
      .filter((n) => n.provisioned && snap.at - idle(n) >= this.s.windowMs)
      .sort((a, b) => idle(a) - idle(b) || a.id.localeCompare(b.id))[0];
    if (!candidate) return [];
    const idleS = Math.round((snap.at - idle(candidate)) / 1000);
    // A drain that would push the rest above the low mark would be undone at once (flapping).
    const without = this.usedShare(snap.nodes.filter((n) => n.id !== candidate.id));
    if (without > this.s.lowShare) {
      const cause = `heat:${candidate.id}`;
      if (st.drainHeld === cause) return [];
      st.drainHeld = cause;
      return [
        {
          action: 'scale-in-held',
          nodeId: candidate.id,
          reason: `${candidate.id} idle for ${idleS} s, but without it the used share would be ${pct(without)} > ${pct(this.s.lowShare)}: kept`,
          ...base,
        },
      ];
    }
    const reason = `used share ${pct(base.usedShare)} <= ${pct(this.s.lowShare)} and ${candidate.id} idle for ${idleS} s`;
    st.drainHeld = null;
    st.draining[candidate.id] = { since: snap.at, reason: reason.slice(0, 300), stage: 'cordoned' };
    return [{ action: 'cordon', nodeId: candidate.id, reason, ...base }];
  }

  /** A held decision about a drain, said once per cause. */
  private say(drain: Drain, cause: string, d: PolicyDecision): PolicyDecision | null {
    if (drain.said === cause) return null;
    drain.said = cause;
    return d;
  }

  private trackIdle(snap: FleetSnapshot): void {
    const idle = this.state.idleSince;
    const seen = new Set<string>();
    for (const n of snap.nodes) {
      seen.add(n.id);
      if (n.rooms === 0 && n.load === 0) idle[n.id] ??= snap.at;
      else delete idle[n.id];
    }
    for (const id of Object.keys(idle)) if (!seen.has(id)) delete idle[id];
  }
}
