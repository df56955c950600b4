import { prng } from '@ensemble/bbb-sim';

export interface TraceNode {
  id: string;
  /** Capacity units (our loadMultiplier); capacity = units x PARTICIPANTS_PER_UNIT. */
  units: number;
}
export interface TraceRoom {
  key: string;
  /** Seconds after the poll at t=0. */
  arrivesAtS: number;
  size: number;
  /** What the integration says to expect (size with estimation noise), as `meta_ensemble-size-hint`. */
  hint: number;
  /** The room's peak at its meeting a week earlier: the same course, attendance varying (log-normal, sigma 0.15). */
  lastWeek: number;
}
export interface Trace {
  seed: number;
  nodes: TraceNode[];
  rooms: TraceRoom[];
}

export const PARTICIPANTS_PER_UNIT = 400;
export const RAMP_S = 600; // participants of a room join over its first 10 minutes
export const HORIZON_MIN = 60;

/** 20 nodes of mixed size (40 units of 400 participants); 1,000 rooms within one 30 s poll interval; heavy-tailed sizes. */
export function makeTrace(seed: number): Trace {
  const random = prng(seed);
  const units = [...Array(8).fill(1), ...Array(8).fill(2), ...Array(4).fill(4)] as number[];
  const nodes = units.map((u, i) => ({ id: `n${String(i + 1).padStart(2, '0')}`, units: u }));
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rooms: TraceRoom[] = [];
  for (let i = 0; i < 1000; i++) {
    const r = random();
    // Most rooms 2-10, some 11-60, a few (1 %) of 100-250.
    const size =
      r < 0.88
        ? 2 + Math.floor(random() * 9)
        : r < 0.99
          ? 11 + Math.floor(random() * 50)
          : 100 + Math.floor(random() * 151);
    rooms.push({
      key: `s${seed}-room-${i}`,
      arrivesAtS: random() * 30,
      size,
      hint: Math.max(1, Math.round(size * Math.exp(0.3 * normal()))),
      lastWeek: 0,
    });
  }
  // A stream of its own, so that adding it left every earlier trace as it was.
  const weekly = prng(seed + 1_000_003);
  const weeklyNormal = () => Math.sqrt(-2 * Math.log(1 - weekly())) * Math.cos(2 * Math.PI * weekly());
  for (const room of rooms) room.lastWeek = Math.max(1, Math.round(room.size * Math.exp(0.15 * weeklyNormal())));
  rooms.sort((a, b) => a.arrivesAtS - b.arrivesAtS);
  return { seed, nodes, rooms };
}
