import { defineLuaScripts, type LuaScript } from '@ensemble/shared';
import type { Redis } from 'ioredis';

/** Script name -> [its file in `lua/`, number of keys]. */
const FILES = {
  acquireLock: ['acquire-lock', 2],
  releaseLock: ['release-lock', 1],
  saveAutoscale: ['save-autoscale', 2],
} as const;

export type ProvisionerScripts = Record<keyof typeof FILES, LuaScript>;

/** The provisioner's Lua scripts, loaded once per connection (EVALSHA with fallback). */
export const defineScripts = (redis: Redis): ProvisionerScripts =>
  defineLuaScripts(redis, new URL('./lua/', import.meta.url), FILES);
