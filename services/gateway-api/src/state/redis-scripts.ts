import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

export type Script = (...args: (string | number)[]) => Promise<unknown>;

/** Loads a module's Lua script once per connection (ioredis EVALSHA with fallback). */
export function defineScript(redis: Redis, name: string, file: URL): Script {
  const commands = redis as unknown as Record<string, Script>;
  const command = `ens_gw_${name.replaceAll('-', '_')}`;
  if (!commands[command]) redis.defineCommand(command, { numberOfKeys: 0, lua: readFileSync(file, 'utf8') });
  return (...args) => commands[command]!.apply(redis, args);
}
