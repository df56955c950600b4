import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');

type Script = (...args: (string | number)[]) => Promise<unknown>;

/** The scheduler's Lua scripts, loaded once per connection (EVALSHA with fallback). */
export interface SchedulerScripts {
  place: Script;
  releaseRoom: Script;
  applySample: Script;
  registerNode: Script;
}

export function defineScripts(redis: Redis): SchedulerScripts {
  const names = {
    place: 'place',
    releaseRoom: 'release-room',
    applySample: 'apply-sample',
    registerNode: 'register-node',
  };
  const r = redis as unknown as Record<string, Script>;
  for (const [command, file] of Object.entries(names)) {
    if (!r[`ens_${command}`]) redis.defineCommand(`ens_${command}`, { numberOfKeys: 0, lua: lua(file) });
  }
  return {
    place: (...a) => r.ens_place!.apply(redis, a),
    releaseRoom: (...a) => r.ens_releaseRoom!.apply(redis, a),
    applySample: (...a) => r.ens_applySample!.apply(redis, a),
    registerNode: (...a) => r.ens_registerNode!.apply(redis, a),
  };
}
