import { Command } from 'commander';
import type { FleetNodeView } from '@ensemble/contracts';
import { action } from '../context.js';
import { num, table } from '../table.js';

interface Cluster {
  nodes: (FleetNodeView & { capacityShare: number })[];
  totals: {
    nodes: number;
    online: number;
    placeable: number;
    meetings: number;
    participants: number;
    videoStreams: number;
    largestMeeting: number;
  };
}

/** `ensemble status`: the fleet at a glance, like Scalelite's `rake status`. */
export function statusCommand(): Command {
  return new Command('status').description('fleet status table (node, state, health, load, version, tags)').action(
    action(async (ctx) => {
      const c = await ctx.api.get<Cluster>('/api/ops/cluster');
      if (ctx.json) return ctx.out(JSON.stringify(c, null, 2));
      const rows = c.nodes.map((n) => [
        n.id,
        n.state,
        n.health,
        n.lastSample?.meetings ?? 0,
        n.lastSample?.participants ?? 0,
        n.lastSample?.largestMeeting ?? 0,
        n.lastSample?.videoStreams ?? 0,
        // Jitsi ranks by CPU share (decision 050/081): shown as a percentage; BBB in participant-equivalents.
        n.engine === 'jitsi' ? `${Math.round(n.load * 100)}%` : num(n.load),
        n.version ?? '-',
        n.tags.join(',') || '-',
      ]);
      ctx.out(
        table(['NODE', 'STATE', 'HEALTH', 'MEETINGS', 'USERS', 'LARGEST', 'VIDEO', 'LOAD', 'VERSION', 'TAGS'], rows),
      );
      const t = c.totals;
      ctx.out(
        `\n${t.nodes} nodes (${t.online} online, ${t.placeable} taking new rooms); ` +
          `${t.meetings} meetings, ${t.participants} users, ${t.videoStreams} video streams, largest meeting ${t.largestMeeting}`,
      );
    }),
  );
}
