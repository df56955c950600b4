-- Updates a node's admin fields, only if the node exists.
-- Invariant: state is one of enabled/cordoned/disabled (validated before), and an
-- operator's explicit state wins over a pending enableWhenHealthy.
-- ARGV: prefix, id, state ('' = keep), loadMultiplier ('' = keep), tags ('-' = keep, else comma list)
local nodeK = K.node(ARGV[2])
if redis.call('EXISTS', nodeK) == 0 then return 0 end
if ARGV[3] ~= '' then redis.call('HSET', nodeK, 'state', ARGV[3], 'enableWhenHealthy', '0') end
if ARGV[4] ~= '' then redis.call('HSET', nodeK, 'loadMultiplier', ARGV[4]) end
if ARGV[5] ~= '-' then redis.call('HSET', nodeK, 'tags', ARGV[5]) end
return 1
