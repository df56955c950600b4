import { Command } from 'commander';
import type { RunEvent } from '@ensemble/contracts';
import { CliError, EXIT } from '../cli-error.js';
import { action, type Context } from '../context.js';
import { readSse } from '../sse-reader.js';
import { table } from '../table.js';

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--count: a whole number >= 1, not ${v}`, EXIT.usage);
  return n;
};

type Run = { runId?: string; id?: string; phase?: string; status?: string; reason?: string; [k: string]: unknown };
const runId = (r: Run) => r.runId ?? r.id ?? '?';

/** Follows `run` events of the event stream until the run succeeds (exit 0) or fails (exit 1). */
async function follow(ctx: Context, id: string | undefined): Promise<void> {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const body = await ctx.api.stream('/api/ops/events', abort.signal);
  try {
    for await (const e of readSse(body)) {
      if (e.event !== 'run') continue;
      const run = JSON.parse(e.data) as RunEvent;
      if (id && run.runId !== id) continue;
      ctx.out(ctx.json ? e.data : `${new Date(run.at).toISOString()}  ${run.runId}  ${run.phase}  ${run.message}`);
      if (id && (run.phase === 'succeeded' || run.phase === 'failed')) {
        if (run.phase === 'failed') process.exitCode = EXIT.api;
        return;
      }
    }
  } catch (e) {
    if (!abort.signal.aborted) throw e;
  } finally {
    abort.abort();
  }
}

export function scaleOutCommand(): Command {
  return new Command('scale-out')
    .description('ask the provisioner for N more nodes')
    .requiredOption('--count <n>', 'how many nodes', positiveInt)
    .option('--reason <text>', 'why (kept with the run)', 'requested from the ensemble CLI')
    .option('--offer <offer>', 'server offer (provider type)')
    .option('--zone <zone>', 'zone')
    .action(
      action(async (ctx, o: { count: number; reason: string; offer?: string; zone?: string }) => {
        const body = {
          count: o.count,
          reason: o.reason,
          ...(o.offer ? { offer: o.offer } : {}),
          ...(o.zone ? { zone: o.zone } : {}),
        };
        const r = await ctx.api.post<Run>('/api/ops/scale-out', body);
        ctx.out(
          ctx.json
            ? JSON.stringify(r, null, 2)
            : `scale-out started: run ${runId(r)} (follow: ensemble runs ${runId(r)} --follow)`,
        );
      }),
    );
}

export function runsCommand(): Command {
  return new Command('runs')
    .description('provisioning runs; one run with [id]; --follow streams its progress')
    .argument('[id]', 'run id')
    .option('--follow', 'stream run events until the run ends (all runs without an id; Ctrl-C stops)')
    .action(
      action(async (ctx, id: string | undefined, o: { follow?: boolean }) => {
        if (id) {
          const run = await ctx.api.get<Run>(`/api/ops/runs/${encodeURIComponent(id)}`);
          ctx.out(ctx.json ? JSON.stringify(run, null, 2) : describe(run));
          const phase = run.phase ?? run.status;
          if (!o.follow || phase === 'succeeded' || phase === 'failed') return;
          return follow(ctx, id);
        }
        if (o.follow) return follow(ctx, undefined);
        const r = await ctx.api.get<{ runs: Run[] } | Run[]>('/api/ops/runs');
        const runs = Array.isArray(r) ? r : r.runs;
        if (ctx.json) return ctx.out(JSON.stringify(runs, null, 2));
        ctx.out(
          table(
            ['RUN', 'PHASE', 'REASON'],
            runs.map((x) => [runId(x), x.phase ?? x.status ?? '-', x.reason ?? '-']),
          ),
        );
      }),
    );
}

function describe(run: Run): string {
  return Object.entries(run)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}
