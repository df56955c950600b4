import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForPort } from '@ensemble/testing';

export const root = new URL('../../', import.meta.url).pathname;

/** A child process of the benchmark, whose peak RSS we read before stopping it. */
export class BenchProcess {
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {}

  static async start(
    name: string,
    script: string,
    env: Record<string, string>,
    readyPort?: number,
    /** The checkout whose build runs (an earlier version's, for `--baseline`). */
    from = root,
  ): Promise<BenchProcess> {
    // BENCH_CPU_PROF=<dir>: every service writes a V8 CPU profile there on exit (open in Chrome DevTools).
    const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const child = spawn(process.execPath, [...prof, join(from, script)], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const p = new BenchProcess(name, child);
    if (readyPort !== undefined) await waitForPort(readyPort, 20_000);
    return p;
  }

  /** Peak resident set size (VmHWM) in MiB, from /proc. */
  peakRssMiB(): number | null {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Math.round(Number(kb) / 1024) : null;
    } catch {
      return null;
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(t);
  }
}

/** Peak RSS per service, kept across phases (the highest seen). */
export class MemoryReport {
  readonly peaks: Record<string, number> = {};
  record(p: BenchProcess): void {
    const v = p.peakRssMiB();
    if (v !== null) this.peaks[p.name] = Math.max(this.peaks[p.name] ?? 0, v);
  }
}
