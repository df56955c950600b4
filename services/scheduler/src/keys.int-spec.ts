import { readFileSync } from 'node:fs';
import { startRedis, type TestServer } from '@ensemble/testing';
import { Redis } from 'ioredis';
import { KEY_PREFIX, keys } from './keys.js';
import { LUA_DIR } from './scripts.js';

/** The Lua scripts build key names with lua/lib/keys.lua; keys.ts names them for TypeScript. */
describe('key names', () => {
  let server: TestServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('are the same in the Lua scripts as in keys.ts, name for name', async () => {
    const lib = readFileSync(new URL('lib/keys.lua', LUA_DIR), 'utf8');
    const probe = `${lib}
local out = {}
for name, k in pairs(K) do
  out[#out + 1] = name
  if type(k) == 'function' then out[#out + 1] = k('x-1') else out[#out + 1] = k end
end
return out`;
    const flat = (await redis.eval(probe, 0, KEY_PREFIX)) as string[];
    const lua: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) lua[flat[i]!] = flat[i + 1]!;
    const ts = Object.fromEntries(
      Object.entries(keys).map(([name, k]) => [name, typeof k === 'function' ? k('x-1') : k]),
    );
    expect(lua).toEqual(ts);
  });
});
