import { Command } from 'commander';
import type { AuditEvent, AuditPage } from '@ensemble/contracts';
import { CliError, EXIT } from '../cli-error.js';
import { action } from '../context.js';
import { table } from '../table.js';

const limit = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 200)
    throw new CliError(`--limit: a whole number 1-200, not ${v}`, EXIT.usage);
  return n;
};

interface AuditOptions {
  actor?: string;
  action?: string;
  target?: string;
  since?: string;
  before?: string;
  limit: number;
}

const outcomeOf = (e: AuditEvent) => (e.errorCode ? `${e.outcome} (${e.errorCode})` : e.outcome);

/** `ensemble audit`: who did what to the fleet, when, from where; newest first, a page at a time. */
export function auditCommand(): Command {
  return new Command('audit')
    .description('operator actions, newest first: who, what, target, from where, outcome')
    .option('--actor <name>', 'only this operator')
    .option('--action <action>', 'only this action (node.register, node.update, node.remove, node.panic, ...)')
    .option('--target <id>', 'only this target (a node id, room key or run id)')
    .option('--since <time>', 'only from this time on (ISO 8601 or epoch ms)')
    .option('--before <id>', 'the page before this event id (the "more:" hint of the previous page)')
    .option('--limit <n>', 'events per page (1-200)', limit, 50)
    .action(
      action(async (ctx, o: AuditOptions) => {
        const query = new URLSearchParams({ limit: String(o.limit) });
        for (const k of ['actor', 'action', 'target', 'since', 'before'] as const) {
          const v = o[k];
          if (v !== undefined) query.set(k, v);
        }
        const page = await ctx.api.get<AuditPage>(`/api/ops/audit?${query.toString()}`);
        if (ctx.json) return ctx.out(JSON.stringify(page, null, 2));
        ctx.out(
          table(
            ['ID', 'AT', 'ACTOR', 'ACTION', 'TARGET', 'FROM', 'OUTCOME'],
            page.events.map((e) => [
              e.id,
              new Date(e.at).toISOString().replace('T', ' ').slice(0, 19),
              e.actor,
              e.action,
              e.target ?? '-',
              e.clientAddress ?? '-',
              outcomeOf(e),
            ]),
          ),
        );
        if (page.next) ctx.out(`more: ensemble audit --before ${page.next}`);
      }),
    );
}
