import { readFileSync } from 'node:fs';
import { CliError, EXIT } from '../cli-error.js';

export const tenantPath = (name: string) => `/api/ops/tenants/${encodeURIComponent(name)}`;

/** A whole number >= 0, or `none` (no quota; kept as `none`: commander turns a parsed null into ''). */
export const quota = (v: string): number | 'none' => {
  if (v === 'none') return 'none';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`not a quota: ${v} (a whole number >= 0, or none)`, EXIT.usage);
  return n;
};

export const weight = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--weight: a number > 0, not ${v}`, EXIT.usage);
  return n;
};

/** `true`, `false`, or `default` (RECORDINGS_PROTECTED; kept as `default`: commander turns a parsed null into ''). */
export const protection = (v: string): boolean | 'default' => {
  if (v === 'true' || v === 'false') return v === 'true';
  if (v === 'default') return 'default';
  throw new CliError(
    `--recordings-protected: true, false or default (as the gateway's RECORDINGS_PROTECTED), not ${v}`,
    EXIT.usage,
  );
};

export const tags = (v: string): string[] => v.split(',').filter(Boolean);

/** `--secret -` reads it from stdin (kept out of the shell's history and the process list). */
export function secretOf(v: string | undefined): string | undefined {
  if (v !== '-') return v;
  const s = readFileSync(0, 'utf8').trim();
  if (!s) throw new CliError('--secret -: nothing on stdin', EXIT.usage);
  return s;
}

/** A policy given inline (`{...}`), from a file, or from stdin (`-`). */
export function policyOf(v: string): unknown {
  const inline = v.trimStart().startsWith('{');
  let text: string;
  try {
    text = inline ? v : readFileSync(v === '-' ? 0 : v, 'utf8');
  } catch (e) {
    throw new CliError(
      `cannot read the policy file ${v}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      EXIT.usage,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`the policy is not JSON: ${(e as Error).message}`, EXIT.usage);
  }
}
