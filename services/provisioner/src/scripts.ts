import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

type Script = (...args: (string | number)[]) => Promise<unknown>;

/** Script name -> [its file in `lua/`, number of keys]. */
const FILES = {
  acquireLock: ['acquire-lock', 2],
  releaseLock: ['release-lock', 1],
} as const;

export type ProvisionerScripts = Record<keyof typeof FILES, Script>;

/** The provisioner's Lua scripts, loaded once per connection (EVALSHA with fallback). */
export function defineScripts(redis: Redis): ProvisionerScripts {
  const commands = redis as unknown as Record<string, Script>;
  const scripts = {} as ProvisionerScripts;
  for (const [name, [file, numberOfKeys]] of Object.entries(FILES) as [
    keyof typeof FILES,
    readonly [string, number],
  ][]) {
    const command = `ensprov_${name}`;
    if (!commands[command]) {
      redis.defineCommand(command, {
        numberOfKeys,
        lua: readFileSync(new URL(`./lua/${file}.lua`, import.meta.url), 'utf8'),
      });
    }
    scripts[name] = (...args) => commands[command]!.apply(redis, args);
  }
  return scripts;
}
