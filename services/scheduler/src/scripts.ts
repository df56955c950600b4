import { Module } from '@nestjs/common';
import { REDIS, defineLuaScripts, type LuaScript } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './keys.js';

/** Script name -> its file in `lua/`. */
const FILES = {
  place: 'place',
  nodeLoads: 'node-loads',
  releaseRoom: 'release-room',
  applySample: 'apply-sample',
  registerNode: 'register-node',
  locate: 'locate',
  updateNode: 'update-node',
  removeNode: 'remove-node',
  panicNode: 'panic-node',
  setVersion: 'set-version',
  suspectNode: 'suspect-node',
  relearnBegin: 'relearn-begin',
  correctNode: 'correct-node',
  tenantUsage: 'tenant-usage',
} as const;

/**
 * Put in front of every script, in this order: key names (mirroring keys.ts), the
 * load definition, what a node keeps per room, the re-learning phase after a Redis loss,
 * each room's account with its tenant.
 */
export const LUA_DIR = new URL('./lua/', import.meta.url);
export const LUA_LIB = ['lib/keys', 'lib/load', 'lib/rooms', 'lib/relearn', 'lib/tenants'] as const;

/**
 * The scheduler's Lua scripts, loaded once per connection. Each call gets the key
 * prefix as ARGV[1] here, so callers pass only their own arguments.
 */
export type SchedulerScripts = Record<keyof typeof FILES, LuaScript>;
export const SCHEDULER_SCRIPTS = Symbol('SCHEDULER_SCRIPTS');

export function defineSchedulerScripts(redis: Redis): SchedulerScripts {
  const raw = defineLuaScripts(redis, LUA_DIR, FILES, { lib: LUA_LIB });
  const scripts = {} as SchedulerScripts;
  for (const name of Object.keys(FILES) as (keyof typeof FILES)[]) {
    scripts[name] = (...args) => raw[name](KEY_PREFIX, ...args);
  }
  return scripts;
}

/**
 * The scripts, for fleet and placement alike: one atomic step may touch both
 * contexts' keys (a sample releases ended rooms; a panic drops a node's rooms).
 */
@Module({
  providers: [{ provide: SCHEDULER_SCRIPTS, useFactory: defineSchedulerScripts, inject: [REDIS] }],
  exports: [SCHEDULER_SCRIPTS],
})
export class SchedulerScriptsModule {}
