-- Registers a node once. Invariant: a node id is registered at most once; a
-- retry with the same id, engine and URL is answered as success (idempotent),
-- anything else under a taken id is a conflict.
-- With onlyIfSeen, nothing is written to a Redis whose epoch is gone (it lost its data since
-- the caller looked): the node mirror then leaves the write-back to its next check, which
-- begins re-learning first (decision 091), so no node comes back outside a phase.
-- ARGV: prefix, id, engine, url, secret, state, loadMultiplier, tags, createdAt, enableWhenHealthy (1/0),
--       onlyIfSeen ('1' or '')
if ARGV[11] == '1' and redis.call('EXISTS', K.epoch) == 0 then return 'unseen' end
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
