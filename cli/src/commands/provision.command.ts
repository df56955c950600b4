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

const ended = (phase: string | undefined) => phase === 'succeeded' || phase === 'failed';

/**
 * Follows `run` events until the run ends: succeeded exits 0, failed exits 1. The stream
 * is open (the gateway said `hello`, so it relays every run event from then on) before
 * the run is read, so a run that ends in between is either read ended or seen ending.
 * A stream that closes before the end is an error (exit 3); Ctrl-C ends quietly.
 */
async function follow(ctx: Context, id: string | undefined): Promise<void> {
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  try {
    const events = readSse(await ctx.api.stream('/api/ops/events', abort.signal));
    for (;;) {
      const first = await events.next();
      if (first.done) throw closed(id);
      if (first.value.event === 'hello') break;
    }
    if (id) {
      const run = await ctx.api.get<Run>(`/api/ops/runs/${encodeURIComponent(id)}`);
      ctx.out(ctx.json ? JSON.stringify(run, null, 2) : describe(run));
      const phase = run.phase ?? run.status;
      if (ended(phase)) return exitWith(phase);
    }
    for await (const e of events) {
      if (e.event !== 'run') continue;
      const run = JSON.parse(e.data) as RunEvent;
      if (id && run.runId !== id) continue;
      ctx.out(ctx.json ? e.data : `${new Date(run.at).toISOString()}  ${run.runId}  ${run.phase}  ${run.message}`);
      if (id && ended(run.phase)) return exitWith(run.phase);
    }
    if (!abort.signal.aborted) throw closed(id);
  } catch (e) {
    if (abort.signal.aborted) return;
    if (e instanceof CliError) throw e;
    throw closed(id, e instanceof Error ? e.message : String(e)); // the connection broke mid-stream
  } finally {
    process.off('SIGINT', stop);
    abort.abort();
  }
}

/** A run's end as the exit status: failed -> 1. */
const exitWith = (phase: string | undefined) => {
  if (phase === 'failed') process.exitCode = EXIT.api;
};

const closed = (id: string | undefined, why?: string) =>
  new CliError(
    `the event stream closed before ${id ? `run ${id} ended` : 'Ctrl-C'}${why ? ` (${why})` : ''}`,
    EXIT.unreachable,
  );

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

type Decision = { at: number; action: string; nodeId?: string; runId?: string; count?: number; reason: string };

export function runsCommand(): Command {
  return new Command('runs')
    .description('provisioning runs and autoscale decisions; one run with [id]; --follow streams its progress')
    .argument('[id]', 'run id')
    .option('--follow', 'stream run events until the run ends (all runs without an id; Ctrl-C stops)')
    .option('--decisions', 'the autoscale decisions only (taken or held, with their reasons)')
    .action(
      action(async (ctx, id: string | undefined, o: { follow?: boolean; decisions?: boolean }) => {
        if (o.follow) return follow(ctx, id);
        if (id) {
          const run = await ctx.api.get<Run>(`/api/ops/runs/${encodeURIComponent(id)}`);
          return ctx.out(ctx.json ? JSON.stringify(run, null, 2) : describe(run));
        }
        const r = await ctx.api.get<{ runs: Run[]; decisions?: Decision[] } | Run[]>('/api/ops/runs');
        const runs = Array.isArray(r) ? r : r.runs;
        const decisions = Array.isArray(r) ? [] : (r.decisions ?? []);
        if (o.decisions) return ctx.out(ctx.json ? JSON.stringify(decisions, null, 2) : decisionTable(decisions));
        if (ctx.json) return ctx.out(JSON.stringify(runs, null, 2));
        ctx.out(
          table(
            ['RUN', 'PHASE', 'REASON'],
            runs.map((x) => [runId(x), x.phase ?? x.status ?? '-', x.reason ?? '-']),
          ),
        );
        if (decisions.length > 0)
          ctx.out(
            `\nDECISIONS (latest ${Math.min(10, decisions.length)}; all: --decisions)\n${decisionTable(decisions.slice(0, 10))}`,
          );
      }),
    );
}

/** Newest first: when, what, on which node, which run, why. */
function decisionTable(decisions: Decision[]): string {
  return table(
    ['AT', 'ACTION', 'NODE', 'RUN', 'REASON'],
    decisions.map((d) => [
      new Date(d.at).toISOString().replace('T', ' ').slice(0, 19),
      d.count !== undefined ? `${d.action} ${d.count}` : d.action,
      d.nodeId ?? '-',
      d.runId ?? '-',
      d.reason,
    ]),
  );
}

function describe(run: Run): string {
  return Object.entries(run)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}
