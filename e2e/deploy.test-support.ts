import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@ensemble/testing';

export const ROOT = process.cwd();
export const repoFile = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');

/**
 * The path of a system binary the deploy tests need. `npm test` installs them
 * (scripts/lib/setup.mjs); when one is still missing the test fails naming the
 * Debian package, never skips.
 */
export function needBinary(bin: string, aptPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) {
    throw new Error(`${bin} is missing: install Debian's package with \`apt-get install -y ${aptPackage}\``);
  }
  return path;
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd ?? ROOT, env: opts.env, input: opts.input });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** YAML to a JS value with the PyYAML that Debian's docker-compose depends on (no npm YAML parser needed). */
export function parseYaml(text: string): unknown {
  const py = 'import json,sys,yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)';
  return JSON.parse(run(needBinary('python3', 'docker-compose'), ['-c', py], { input: text }).stdout);
}

/**
 * Substitutes `${NAME}` like the NGINX image's envsubst step, which only replaces
 * variables that are set: NGINX's own `$name` variables pass through untouched.
 * Throws when the template names a variable that is not given.
 */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  const out = template.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => vars[name] ?? whole);
  const left = out.match(/\$\{[A-Z0-9_]+\}/g);
  if (left) throw new Error(`template variables without a value: ${[...new Set(left)].join(', ')}`);
  return out;
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ensemble-${prefix}-`));
  chmodSync(dir, 0o755); // NGINX workers read the web root from here
  return dir;
}

/** A long-running binary for a test: output kept for failure messages, stopped with SIGTERM then SIGKILL. */
export class Daemon {
  private output = '';
  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => this.keep(d));
    child.stderr?.on('data', (d: Buffer) => this.keep(d));
  }

  static start(name: string, bin: string, args: string[]): Daemon {
    return new Daemon(name, spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get log(): string {
    return this.output;
  }

  /** Waits until `probe` holds, failing early (with the output) if the process exits. */
  async ready(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      `${this.name}: ${what}`,
      async () => {
        if (this.child.exitCode !== null) throw new Error(`${this.name} exited (${this.child.exitCode}):\n${this.log}`);
        return probe();
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }

  private keep(d: Buffer): void {
    this.output = (this.output + d.toString()).slice(-8000);
  }
}

/** A small Prometheus for one test (libs/testing gets a shared one in its own issue). */
export async function startPrometheus(
  configYaml: string,
  port: number,
): Promise<{ url: string; daemon: Daemon; dir: string }> {
  const bin = needBinary('prometheus', 'prometheus');
  const dir = tempDir('prometheus');
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, configYaml);
  const daemon = Daemon.start('prometheus', bin, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await daemon.ready('ready', async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200);
  return { url, daemon, dir };
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
