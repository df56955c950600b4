-- Registers a node once. Invariant: a node id is registered at most once; a
-- retry with the same id, engine and URL is answered as success (idempotent),
-- anything else under a taken id is a conflict.
-- ARGV: prefix, id, engine, url, secret, state, loadMultiplier, tags, createdAt, enableWhenHealthy (1/0)
local id = ARGV[2]
local nodeK = K.node(id)
if redis.call('EXISTS', nodeK) == 1 then
  local n = redis.call('HMGET', nodeK, 'engine', 'url')
  if n[1] == ARGV[3] and n[2] == ARGV[4] then return 'exists' end
  return 'conflict'
end
redis.call('HSET', nodeK, 'id', id, 'engine', ARGV[3], 'url', ARGV[4], 'secret', ARGV[5], 'state', ARGV[6],
  'loadMultiplier', ARGV[7], 'tags', ARGV[8], 'createdAt', ARGV[9], 'health', 'unknown',
  'okStreak', 0, 'failStreak', 0, 'load', 0, 'pending', 0, 'rooms', 0, 'enableWhenHealthy', ARGV[10])
redis.call('SADD', K.nodes, id)
return 'added'
