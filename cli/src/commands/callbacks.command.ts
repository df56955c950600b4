import { Command } from 'commander';
import { CALLBACK_KINDS, CALLBACK_STATES, type CallbacksPage } from '@ensemble/contracts';
import { CliError, EXIT } from '../cli-error.js';
import { action } from '../context.js';
import { table } from '../table.js';

interface CallbacksOptions {
  state?: string;
  kind?: string;
  limit: number;
}

const limit = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new CliError(`--limit: a whole number 1-1000, not ${v}`, EXIT.usage);
  return n;
};
const oneOf = (name: string, values: readonly string[]) => (v: string) => {
  if (!values.includes(v)) throw new CliError(`--${name}: one of ${values.join(', ')}, not ${v}`, EXIT.usage);
  return v;
};
const time = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));

/**
 * `ensemble callbacks`: the callbacks to integrations not delivered yet (pending, retrying) and
 * those given up (dead, dropped), newest first, with why the last attempt failed.
 */
export function callbacksCommand(): Command {
  return new Command('callbacks')
    .description('outbound callbacks not delivered (pending, retrying) or given up (dead, dropped), newest first')
    .option(
      '--state <state>',
      `only this state (${[...CALLBACK_STATES, 'failed'].join(', ')}; failed = dead + dropped)`,
      oneOf('state', [...CALLBACK_STATES, 'failed']),
    )
    .option('--kind <kind>', `only this kind (${CALLBACK_KINDS.join(', ')})`, oneOf('kind', CALLBACK_KINDS))
    .option('--limit <n>', 'callbacks listed (1-1000)', limit, 200)
    .action(
      action(async (ctx, o: CallbacksOptions) => {
        const query = new URLSearchParams({ limit: String(o.limit) });
        if (o.state) query.set('state', o.state);
        if (o.kind) query.set('kind', o.kind);
        const page = await ctx.api.get<CallbacksPage>(`/api/ops/callbacks?${query.toString()}`);
        if (ctx.json) return ctx.out(JSON.stringify(page, null, 2));
        ctx.out(
          table(
            ['ID', 'KIND', 'TENANT', 'MEETING', 'HOST', 'STATE', 'ATTEMPTS', 'LAST ERROR', 'ENQUEUED', 'NEXT'],
            page.callbacks.map((c) => [
              c.id,
              c.kind,
              c.tenant ?? '-',
              c.meetingId ?? '-',
              c.host,
              c.state,
              c.attempts,
              c.lastError ?? '-',
              time(c.enqueuedAt),
              time(c.nextAttemptAt),
            ]),
          ),
        );
        const { counts } = page;
        ctx.out(
          `${counts.pending} pending, ${counts.retrying} retrying, ${counts.dead} dead, ${counts.dropped} dropped`,
        );
      }),
    );
}
