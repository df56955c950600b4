import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

type Script = (...args: (string | number)[]) => Promise<unknown>;

/** Script name -> its file in `lua/`. */
const FILES = {
  place: 'place',
  releaseRoom: 'release-room',
  applySample: 'apply-sample',
  registerNode: 'register-node',
  locate: 'locate',
  updateNode: 'update-node',
  removeNode: 'remove-node',
  panicNode: 'panic-node',
  setVersion: 'set-version',
} as const;

/** The scheduler's Lua scripts, loaded once per connection (EVALSHA with fallback). */
export type SchedulerScripts = Record<keyof typeof FILES, Script>;

const lua = (file: string) => readFileSync(new URL(`./lua/${file}.lua`, import.meta.url), 'utf8');

export function defineScripts(redis: Redis): SchedulerScripts {
  const commands = redis as unknown as Record<string, Script>;
  const lib = lua('lib/rooms'); // per-room state of a node, shared by every script
  const scripts = {} as SchedulerScripts;
  for (const [name, file] of Object.entries(FILES) as [keyof typeof FILES, string][]) {
    const command = `ens_${name}`;
    if (!commands[command]) {
      redis.defineCommand(command, {
        numberOfKeys: 0,
        lua: `${lib}\n${lua(file)}`,
      });
    }
    scripts[name] = (...args) => commands[command]!.apply(redis, args);
  }
  return scripts;
}
