import { Command, Option } from 'commander';
import { RECORDING_TOKEN_NOTE, describeHoldings, holdsNothing, recordingsAtRisk } from '@ensemble/contracts';
import type { FleetNode, FleetNodeView, NodeHoldings, PanicNodeReply, RegisteredNode } from '@ensemble/contracts';
import { CliError, EXIT } from '../cli-error.js';
import { action, type Context } from '../context.js';
import { num, percent, table } from '../table.js';

type NodeRow = FleetNodeView & { capacityShare: number; placeable: boolean };

const path = (id: string) => `/api/ops/nodes/${encodeURIComponent(id)}`;
const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').filter(Boolean)];
const number = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`not a number: ${v}`, EXIT.usage);
  return n;
};

const warn = (text: string) => void process.stderr.write(`${text}\n`);

type RemoveNodeReply = { removed: boolean; lost?: NodeHoldings };

/** What removing the node would lose now (decision 105), or why that is not known. */
const holdingsText = (h: NodeHoldings | null): string =>
  h === null ? 'unknown (could not ask)' : holdsNothing(h) ? 'nothing: safe to remove' : describeHoldings(h);

function printNode(ctx: Context, n: FleetNode | NodeRow, verb?: string): void {
  if (ctx.json) return ctx.out(JSON.stringify(n, null, 2));
  if (verb) return ctx.out(`${n.id}: ${verb} (state ${n.state}, health ${n.health})`);
  const v = n as Partial<NodeRow>;
  const lines: [string, string | number][] = [
    ['id', n.id],
    ['engine', n.engine],
    ['url', n.url],
    ['state', n.state],
    ['health', n.health],
    ['load multiplier', n.loadMultiplier],
    ['tags', n.tags.join(',') || '-'],
    ['version', v.version ?? '-'],
    ['rooms', v.rooms ?? '-'],
    ['load', v.load !== undefined ? num(v.load) : '-'],
    ['pending load', v.pendingLoad !== undefined ? num(v.pendingLoad) : '-'],
    ['capacity share', percent(v.capacityShare)],
    ['last sample', v.lastSample ? new Date(v.lastSample.at).toISOString() : '-'],
  ];
  if (v.lastSample) {
    const s = v.lastSample;
    lines.push(['meetings', s.meetings], ['participants', s.participants], ['video streams', s.videoStreams]);
    lines.push(['largest meeting', s.largestMeeting], ['cpu', percent(s.cpu)], ['poll error', s.error ?? '-']);
  }
  ctx.out(table(['FIELD', 'VALUE'], lines).split('\n').slice(1).join('\n'));
}

/** The issued upload token, shown this once (Ensemble keeps only its hash: decision 102). */
export const recordingTokenNote = (token: string) => `recording upload token: ${token}\n(${RECORDING_TOKEN_NOTE})`;

const setState = (state: 'enabled' | 'cordoned' | 'disabled', verb: string) =>
  action(async (ctx, id: string) => {
    printNode(ctx, await ctx.api.patch<FleetNode>(path(id), { state }), verb);
  });

export function nodesCommand(): Command {
  const nodes = new Command('nodes').description('list and manage fleet nodes');

  nodes
    .command('list')
    .description('every node: state, health, load, capacity share')
    .action(
      action(async (ctx) => {
        const { nodes: all } = await ctx.api.get<{ nodes: NodeRow[] }>('/api/ops/nodes');
        if (ctx.json) return ctx.out(JSON.stringify(all, null, 2));
        ctx.out(
          table(
            ['ID', 'ENGINE', 'STATE', 'HEALTH', 'ROOMS', 'LOAD', 'SHARE', 'MULT', 'URL', 'TAGS'],
            all.map((n) => [
              n.id,
              n.engine,
              n.state,
              n.health,
              n.rooms,
              num(n.load),
              percent(n.capacityShare),
              n.loadMultiplier,
              n.url,
              n.tags.join(',') || '-',
            ]),
          ),
        );
      }),
    );

  nodes
    .command('show <id>')
    .description('one node in detail')
    .action(
      action(async (ctx, id: string) => {
        const node = await ctx.api.get<NodeRow>(path(id));
        // Asked of the node and the index now; a node that cannot be asked still shows.
        const holdings = await ctx.api.get<NodeHoldings>(`${path(id)}/holdings`, 20_000).catch(() => null);
        if (ctx.json) return ctx.out(JSON.stringify({ ...node, holdings }, null, 2));
        printNode(ctx, node);
        ctx.out(
          table(['FIELD', 'VALUE'], [['removal waits for', holdingsText(holdings)]])
            .split('\n')
            .slice(1)
            .join('\n'),
        );
      }),
    );

  nodes
    .command('add <url>')
    .description('register a BBB node (url of its /bigbluebutton/ base, and its shared secret)')
    .requiredOption('--secret <secret>', "the node's BBB shared secret")
    .option('--id <id>', 'node id (default: from the host name)')
    .addOption(new Option('--engine <engine>', 'engine').choices(['bbb', 'jitsi']).default('bbb'))
    .option('--multiplier <n>', 'load multiplier (capacity relative to a standard node)', number)
    .option('--tag <tags>', 'tags, comma separated or repeated', list)
    .addOption(new Option('--state <state>', 'initial state').choices(['enabled', 'cordoned', 'disabled']))
    .option('--enable-when-healthy', 'register cordoned, enable on its first healthy polls')
    .action(
      action(
        async (
          ctx,
          url: string,
          o: {
            secret: string;
            id?: string;
            engine: string;
            multiplier?: number;
            tag?: string[];
            state?: string;
            enableWhenHealthy?: boolean;
          },
        ) => {
          const body = {
            url,
            secret: o.secret,
            engine: o.engine,
            ...(o.id ? { id: o.id } : {}),
            ...(o.multiplier !== undefined ? { loadMultiplier: o.multiplier } : {}),
            ...(o.tag ? { tags: o.tag } : {}),
            ...(o.enableWhenHealthy ? { state: 'cordoned', enableWhenHealthy: true } : {}),
            ...(o.state ? { state: o.state } : {}),
          };
          const node = await ctx.api.post<RegisteredNode>('/api/ops/nodes', body);
          printNode(ctx, node, 'registered');
          if (node.recordingToken && !ctx.json) ctx.out(recordingTokenNote(node.recordingToken));
        },
      ),
    );

  nodes
    .command('update <id>')
    .description('change load multiplier, tags or state')
    .option('--multiplier <n>', 'load multiplier', number)
    .option('--tags <tags>', 'replace the tags (comma separated; "" for none)')
    .addOption(new Option('--state <state>', 'admin state').choices(['enabled', 'cordoned', 'disabled']))
    .action(
      action(async (ctx, id: string, o: { multiplier?: number; tags?: string; state?: string }) => {
        const body = {
          ...(o.multiplier !== undefined ? { loadMultiplier: o.multiplier } : {}),
          ...(o.tags !== undefined ? { tags: o.tags.split(',').filter(Boolean) } : {}),
          ...(o.state ? { state: o.state } : {}),
        };
        if (Object.keys(body).length === 0) {
          throw new CliError('nothing to update: give --multiplier, --tags or --state', EXIT.usage);
        }
        printNode(ctx, await ctx.api.patch<FleetNode>(path(id), body), 'updated');
      }),
    );

  nodes
    .command('remove <id>')
    .description('forget a node; refused while it holds meetings or recordings not in storage')
    .option('--force', 'remove even so: what it holds is lost (named, and recorded in the audit log)')
    .action(
      action(async (ctx, id: string, o: { force?: boolean }) => {
        const r = await ctx.api.delete<RemoveNodeReply>(`${path(id)}${o.force ? '?force=true' : ''}`, 20_000);
        if (ctx.json) return ctx.out(JSON.stringify(r));
        ctx.out(`${id}: removed`);
        if (r.lost) warn(`warning: removed by force; lost: ${describeHoldings(r.lost)}`);
      }),
    );

  nodes.command('enable <id>').description('take new rooms').action(setState('enabled', 'enabled'));
  nodes
    .command('cordon <id>')
    .description('no new rooms; running ones continue; disabled by itself once empty')
    .action(setState('cordoned', 'cordoned'));
  nodes
    .command('disable <id>')
    .description('no rooms: its rooms move elsewhere on their next join')
    .action(setState('disabled', 'disabled'));

  nodes
    .command('panic <id>')
    .description('disable now and END every meeting on the node (they re-create elsewhere)')
    .option('--yes', 'confirm: meetings on the node end for everyone in them')
    .action(
      action(async (ctx, id: string, o: { yes?: boolean }) => {
        if (!o.yes) throw new CliError(`panic ends every meeting on ${id}: add --yes to confirm`, EXIT.usage);
        const r = await ctx.api.post<PanicNodeReply>(`${path(id)}/panic`, undefined, 40_000);
        if (ctx.json) return ctx.out(JSON.stringify(r, null, 2));
        const tail = r.error ? `; could not end meetings: ${r.error}` : '';
        ctx.out(`${id}: disabled; ${r.ended} meetings ended, ${r.failed} failed, ${r.released} rooms released${tail}`);
        if (recordingsAtRisk(r.atRisk)) warn(`warning: recordings at risk on ${id}: ${describeHoldings(r.atRisk)}`);
        if (r.error || r.failed > 0) process.exitCode = EXIT.api;
      }),
    );

  return nodes;
}
