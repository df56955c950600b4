import type { Trace, TraceRoom } from './trace.js';
import { PARTICIPANTS_PER_UNIT, RAMP_S } from './trace.js';

/** Chooses a node index for each room, in arrival order. */
export type Strategy = (trace: Trace) => Promise<string[]> | string[];

/** Participants of `room` already joined at `t` seconds (linear ramp). */
export const joinedAt = (room: TraceRoom, t: number) =>
  Math.min(room.size, Math.floor((room.size * Math.max(0, t - room.arrivesAtS)) / RAMP_S));

/**
 * The seed's rule: the node with the most free capacity on the last sample. Every
 * arrival in this trace falls before the next poll, so the last sample is the idle one.
 */
export const seedRule: Strategy = (trace) => {
  const free = trace.nodes.map((n) => n.units * PARTICIPANTS_PER_UNIT); // sampled at t=0: all idle
  const best = free.indexOf(Math.max(...free));
  return trace.rooms.map(() => trace.nodes[best]!.id);
};

/**
 * Scalelite's rule: least load x load_multiplier (configured as the inverse of
 * capacity), load = last poll (meetings under 15 users count as 15 for 15 min)
 * + 1 per create and per join since that poll.
 */
export const scaleliteRule: Strategy = (trace) => {
  const polled = trace.nodes.map(() => 0); // the poll at t=0 saw nothing
  const placed: TraceRoom[][] = trace.nodes.map(() => []);
  return trace.rooms.map((room) => {
    let best = 0;
    let bestScore = Infinity;
    trace.nodes.forEach((n, i) => {
      const since = placed[i]!.reduce((s, r) => s + 1 + joinedAt(r, room.arrivesAtS), 0);
      const score = (polled[i]! + since) / n.units;
      if (score < bestScore) [best, bestScore] = [i, score];
    });
    placed[best]!.push(room);
    return trace.nodes[best]!.id;
  });
};
