import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { CliError, EXIT } from './cli-error.js';
import { OpsApi } from './ops-api.client.js';
import { operatorNameSchema } from '@ensemble/contracts';

export interface GlobalOptions {
  url?: string;
  token?: string;
  operator?: string;
  json?: boolean;
  timeout?: string;
}

export interface Context {
  api: OpsApi;
  json: boolean;
  /** Writes a line to stdout. */
  out: (text: string) => void;
}

const isOperatorName = (name: string) => operatorNameSchema.safeParse(name).success;

/** Options and environment, resolved once per command: flags win over ENSEMBLE_URL / OPS_TOKEN. */
export function contextOf(cmd: Command): Context {
  const o = cmd.optsWithGlobals<GlobalOptions>();
  const url = o.url ?? process.env['ENSEMBLE_URL'] ?? 'http://127.0.0.1:8080';
  const token = o.token ?? process.env['OPS_TOKEN'];
  if (!token) throw new CliError('no operator token: set OPS_TOKEN or pass --token', EXIT.usage);
  if (!/^https?:\/\//.test(url)) throw new CliError(`not an http(s) URL: ${url}`, EXIT.usage);
  const operator = o.operator ?? process.env['ENSEMBLE_OPERATOR'] ?? defaultOperator();
  if (!isOperatorName(operator)) throw new CliError(`operator name not allowed: ${operator}`, EXIT.usage);
  const timeoutMs = Number(o.timeout ?? 10) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new CliError('--timeout: seconds > 0', EXIT.usage);
  return {
    api: new OpsApi({ url, token, operator, timeoutMs }),
    json: o.json === true,
    out: (text) => void process.stdout.write(`${text}\n`),
  };
}

/** `cli:<login>` when the login is a plain name, else `cli`. */
function defaultOperator(): string {
  try {
    const name = `cli:${userInfo().username}`;
    return isOperatorName(name) ? name : 'cli';
  } catch {
    return 'cli';
  }
}

/** Runs a command body with its context; errors propagate to main's one-line handler. */
export const action =
  <A extends unknown[]>(fn: (ctx: Context, ...args: A) => Promise<void>) =>
  async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    await fn(contextOf(cmd), ...(args.slice(0, -1) as A));
  };
