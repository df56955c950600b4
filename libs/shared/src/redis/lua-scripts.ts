import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** A Lua script bound to one connection: its arguments in, its reply out (EVALSHA, EVAL on a miss). */
export type LuaScript = (...args: (string | number)[]) => Promise<unknown>;

export interface LuaScriptOptions {
  /** How many leading arguments are keys (KEYS[]); 0 when the script builds its key names itself. */
  keys?: number;
  /** Lua files put in front of the script, in order (shared local functions). */
  lib?: readonly URL[];
}

const sources = new Map<string, string>();
/** A file's text, read once per process. */
function source(file: URL): string {
  let text = sources.get(file.href);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    // Every script and lib opens with what it keeps true (STYLE.md, "Redis with intent").
    if (!text.startsWith('--'))
      throw new Error(`${file.pathname}: a Lua file opens with a comment stating its invariant`);
    sources.set(file.href, text);
  }
  return text;
}

/**
 * Defines one script as an ioredis command on this connection, once: a second
 * definition of the same text reuses it. The command is named after the text's
 * digest, so two different scripts can never take each other's name.
 */
export function defineLuaScript(redis: Redis, name: string, file: URL, opts: LuaScriptOptions = {}): LuaScript {
  const lua = [...(opts.lib ?? []), file].map(source).join('\n');
  const numberOfKeys = opts.keys ?? 0;
  const digest = createHash('sha1').update(`${numberOfKeys}\n${lua}`).digest('hex').slice(0, 16);
  const command = `lua_${name.replace(/[^A-Za-z0-9]/g, '_')}_${digest}`;
  const commands = redis as unknown as Record<string, LuaScript>;
  if (!commands[command]) redis.defineCommand(command, { numberOfKeys, lua });
  return (...args) => commands[command]!.apply(redis, args);
}

/**
 * A folder's scripts at once (`dir` ends with `/`): name -> file stem (or [stem, number of keys]);
 * `lib` stems (in `dir` too) go in front of every script.
 */
export function defineLuaScripts<N extends string>(
  redis: Redis,
  dir: URL,
  files: Record<N, string | readonly [string, number]>,
  opts: { lib?: readonly string[] } = {},
): Record<N, LuaScript> {
  const at = (stem: string) => new URL(`${stem}.lua`, dir);
  const lib = (opts.lib ?? []).map(at);
  const scripts = {} as Record<N, LuaScript>;
  for (const [name, spec] of Object.entries(files) as [N, string | readonly [string, number]][]) {
    const [stem, keys] = typeof spec === 'string' ? [spec, 0] : spec;
    scripts[name] = defineLuaScript(redis, name, at(stem), { keys, lib });
  }
  return scripts;
}
