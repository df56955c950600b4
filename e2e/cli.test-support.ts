/**
 * The built `ensemble` binary (cli/dist/main.js) as the e2e suites run it: a real process
 * against a live gateway, its exit code and output kept even when it fails.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
/** The repo root: the CLI's relative paths (cli/dist/main.js, scripts/build.mjs) start here. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI_MAIN = 'cli/dist/main.js';

export interface CliOptions {
  /** ENSEMBLE_URL: the gateway. */
  url: string;
  /** OPS_TOKEN: the shared or a personal operator token. */
  token: string;
  /** ENSEMBLE_OPERATOR, the name the audit log records; unset when absent. */
  operator?: string;
  /** Set last: a test may override ENSEMBLE_URL, OPS_TOKEN or ENSEMBLE_OPERATOR here. */
  env?: Record<string, string>;
  /** Written to the CLI's stdin, which is then closed (closed empty when absent). */
  stdin?: string;
  /** Killed after this long; default 60 s (a loaded 2-core machine can take seconds per start). */
  timeoutMs?: number;
  /** Only PATH from the test's environment, so the output cannot echo anything else it holds. */
  bareEnv?: boolean;
}

export interface CliResult {
  /** The exit code; -1 when killed (timeout) without one. */
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment the CLI runs with; also for a test that spawns it itself. */
export function cliEnv({ url, token, operator, env, bareEnv }: CliOptions): NodeJS.ProcessEnv {
  return {
    ...(bareEnv ? { PATH: process.env.PATH ?? '' } : process.env),
    ENSEMBLE_URL: url,
    OPS_TOKEN: token,
    ...(operator === undefined ? {} : { ENSEMBLE_OPERATOR: operator }),
    ...env,
  };
}

/** Runs `ensemble ...args` to its end; resolves with its exit code and output, also on a non-zero exit. */
export async function runCli(args: readonly string[], opts: CliOptions): Promise<CliResult> {
  const p = exec(process.execPath, [CLI_MAIN, ...args], {
    cwd: ROOT,
    env: cliEnv(opts),
    timeout: opts.timeoutMs ?? 60_000,
  });
  p.child.stdin?.end(opts.stdin ?? '');
  try {
    const { stdout, stderr } = await p;
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number | null; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** Runs `ensemble ...args` and answers its stdout; rejects, with its stderr, unless it exits 0. */
export async function runCliOk(args: readonly string[], opts: CliOptions): Promise<string> {
  const r = await runCli(args, opts);
  if (r.code !== 0) throw new Error(`ensemble ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** Builds the CLI and the libraries it imports, so a suite runs the current source. */
export async function buildCli(): Promise<void> {
  await exec(process.execPath, ['scripts/build.mjs', 'cli', 'libs/contracts', 'libs/shared'], { cwd: ROOT });
}
