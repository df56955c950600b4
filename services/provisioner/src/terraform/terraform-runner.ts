import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface TerraformCall {
  args: string[];
  /** Every stdout line, with credentials already scrubbed. */
  onLine?: (line: string) => void;
  /** Aborting stops terraform: SIGINT to its process group, SIGKILL after the grace period. */
  signal: AbortSignal;
}

export interface TerraformResult {
  code: number | null;
  /** Set when the call was stopped by its signal (timeout). */
  aborted: boolean;
  /** The whole stdout when `collect` was asked (output -json), scrubbed. */
  stdout: string;
  /** The last few KB of stderr, scrubbed. */
  stderrTail: string;
}

const MAX_LINE = 64 * 1024;
const MAX_COLLECT = 4 * 1024 * 1024;

/**
 * Spawns `TERRAFORM_BIN` in the module directory with a minimal environment: the
 * cloud credentials reach the child and nothing else of ours, and any echo of them
 * in its output is scrubbed before it is recorded anywhere.
 */
export class TerraformRunner {
  constructor(
    private readonly opts: {
      bin: string;
      cwd: string;
      env: Record<string, string>;
      /** Values that must never leave the child (credentials). */
      secrets: string[];
      killGraceMs: number;
    },
  ) {}

  scrub(text: string): string {
    let out = text;
    for (const s of this.opts.secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
    return out;
  }

  run(call: TerraformCall & { collect?: boolean }): Promise<TerraformResult> {
    return new Promise((resolve) => {
      if (call.signal.aborted) return resolve({ code: null, aborted: true, stdout: '', stderrTail: '' });
      const child = spawn(this.opts.bin, call.args, {
        cwd: this.opts.cwd,
        env: { ...this.opts.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // own process group, so providers it started stop with it
      });
      let stdout = '';
      let stderrTail = '';
      let aborted = false;
      let killTimer: NodeJS.Timeout | undefined;
      const kill = (sig: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, sig);
        } catch {
          // already gone
        }
      };
      const onAbort = () => {
        aborted = true;
        kill('SIGINT');
        killTimer = setTimeout(() => kill('SIGKILL'), this.opts.killGraceMs);
      };
      call.signal.addEventListener('abort', onAbort, { once: true });
      const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
      lines.on('line', (raw) => {
        const line = this.scrub(raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw);
        if (call.collect && stdout.length < MAX_COLLECT) stdout += `${line}\n`;
        call.onLine?.(line);
      });
      child.stderr.on('data', (d: Buffer) => {
        stderrTail = (stderrTail + d.toString('utf8')).slice(-4096);
      });
      let done = false;
      const finish = (code: number | null) => {
        if (done) return;
        done = true;
        call.signal.removeEventListener('abort', onAbort);
        if (killTimer) clearTimeout(killTimer);
        resolve({ code, aborted, stdout, stderrTail: this.scrub(stderrTail).trim() });
      };
      child.once('error', (e) => {
        stderrTail += `\n${e.message}`;
        finish(null); // could not start (ENOENT, EACCES)
      });
      child.once('close', (code) => finish(code));
    });
  }
}
