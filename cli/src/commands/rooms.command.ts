import { Command } from 'commander';
import type { Location } from '@ensemble/contracts';
import { action } from '../context.js';

export function roomsCommand(): Command {
  const rooms = new Command('rooms').description('where rooms are');
  rooms
    .command('where <roomKey>')
    .description("the node a room is on, and that node's state and health")
    .action(
      action(async (ctx, roomKey: string) => {
        const r = await ctx.api.get<Omit<Location, 'signed'>>(`/api/ops/rooms/${encodeURIComponent(roomKey)}`);
        if (ctx.json) return ctx.out(JSON.stringify(r, null, 2));
        ctx.out(`${r.roomKey}: on ${r.nodeId} (${r.engine}, state ${r.state}, health ${r.health}) ${r.url}`);
      }),
    );
  return rooms;
}
