/** How busy a node's CPUs are for a number of participants: base + perParticipant x n, capped. */
export interface CpuProfile {
  /** Busy share with nobody on the node (0..1). */
  base: number;
  /** Busy share each participant adds (0..1). */
  perParticipant: number;
  /** The busy share never goes above this (0..1). */
  max: number;
  cores: number;
}

export const DEFAULT_CPU: CpuProfile = { base: 0.05, perParticipant: 0.01, max: 0.97, cores: 4 };

const MODES = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'] as const;
export type CpuMode = (typeof MODES)[number];
/** How the busy share splits over node_exporter's non-idle modes. */
const BUSY_SPLIT: Partial<Record<CpuMode, number>> = { user: 0.7, system: 0.22, softirq: 0.05, iowait: 0.03 };

/**
 * node_exporter-style `node_cpu_seconds_total{cpu,mode}` counters, integrated
 * over wall time piecewise: call `advance()` before the busy share changes, so
 * every interval is counted at the share it really had. Counters only grow.
 */
export class CpuCounters {
  private readonly seconds: Record<CpuMode, number>[];
  private lastMs: number;
  private busyShare: number;

  constructor(
    private readonly profile: CpuProfile,
    private readonly now: () => number = Date.now,
  ) {
    this.lastMs = now();
    this.busyShare = profile.base;
    // A node that has been up for a while (about 3 hours at the base load).
    this.seconds = Array.from({ length: profile.cores }, () => {
      const c = Object.fromEntries(MODES.map((m) => [m, 0])) as Record<CpuMode, number>;
      c.idle = 10_000 * (1 - profile.base);
      for (const [m, share] of Object.entries(BUSY_SPLIT)) c[m as CpuMode] = 10_000 * profile.base * share;
      return c;
    });
  }

  static busyFor(profile: CpuProfile, participants: number): number {
    return Math.min(profile.max, Math.max(0, profile.base + profile.perParticipant * participants));
  }

  get busy(): number {
    return this.busyShare;
  }

  /** Counts the time since the last call at the current busy share. */
  advance(): void {
    const t = this.now();
    const dt = Math.max(0, (t - this.lastMs) / 1000);
    this.lastMs = t;
    for (const c of this.seconds) {
      c.idle += dt * (1 - this.busyShare);
      for (const [m, share] of Object.entries(BUSY_SPLIT)) c[m as CpuMode] += dt * this.busyShare * share;
    }
  }

  setParticipants(n: number): void {
    this.advance();
    this.busyShare = CpuCounters.busyFor(this.profile, n);
  }

  /** Forces a busy share (e.g. a runaway process), whatever the participants. */
  setBusy(share: number): void {
    this.advance();
    this.busyShare = Math.min(1, Math.max(0, share));
  }

  snapshot(): { cpu: number; mode: CpuMode; seconds: number }[] {
    this.advance();
    return this.seconds.flatMap((c, cpu) => MODES.map((mode) => ({ cpu, mode, seconds: c[mode] })));
  }
}
