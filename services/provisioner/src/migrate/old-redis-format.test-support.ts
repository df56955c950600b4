import type { AutoscaleDecision, RunEvent, RunRecord } from '@ensemble/contracts';
import type { Redis } from 'ioredis';
import { oldKeys } from './redis-keys.js';

/*
 * Data written exactly as the provisioner before decision 093 wrote it: the statements of
 * its stores (run/run.store.ts `save`/`appendEvent`, nodes/provisioned-nodes.store.ts
 * `add`) and its Lua script (lua/save-autoscale.lua), copied verbatim from the last Redis
 * version (commit d3484a8), run with the arguments those stores passed.
 */

const MAX_RUN_EVENTS = 1000;
const MAX_DECISIONS = 500;

const SAVE_AUTOSCALE = `
local rev = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if rev ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'rev', rev + 1, 'state', ARGV[2])
for i = 4, #ARGV do redis.call('LPUSH', KEYS[2], ARGV[i]) end
if #ARGV >= 4 then redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1) end
return rev + 1
`;

/** The old RunStore.save: the record without its events, and the index (the old record had no `requestedBy`). */
export async function oldSaveRun(redis: Redis, run: RunRecord): Promise<void> {
  const { events: _events, requestedBy: _new, ...record } = run;
  await redis.multi().set(oldKeys.run(run.id), JSON.stringify(record)).zadd(oldKeys.runs, run.createdAt, run.id).exec();
}

/** The old RunStore.appendEvent. */
export async function oldAppendEvent(redis: Redis, event: RunEvent): Promise<void> {
  await redis
    .multi()
    .rpush(oldKeys.runEvents(event.runId), JSON.stringify(event))
    .ltrim(oldKeys.runEvents(event.runId), -MAX_RUN_EVENTS, -1)
    .exec();
}

/** The old AutoscaleStore.save (save-autoscale.lua): state over its revision, with its decisions. */
export async function oldSaveAutoscale(
  redis: Redis,
  rev: number,
  state: object,
  decisions: AutoscaleDecision[],
): Promise<boolean> {
  const saved = await redis.eval(
    SAVE_AUTOSCALE,
    2,
    oldKeys.autoscale,
    oldKeys.decisions,
    rev,
    JSON.stringify(state),
    MAX_DECISIONS,
    ...decisions.map((d) => JSON.stringify(d)),
  );
  return Number(saved) > 0;
}

/** The old ProvisionedNodesStore.add. */
export async function oldAddProvisioned(
  redis: Redis,
  nodes: { name: string; hostname: string; ipv4: string; runId: string; at: number }[],
): Promise<void> {
  await redis.hset(oldKeys.nodes, Object.fromEntries(nodes.map((n) => [n.name, JSON.stringify(n)])));
}
