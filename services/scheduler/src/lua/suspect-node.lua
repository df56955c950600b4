-- Marks an online node suspect on a caller's evidence (its call to the node failed
-- and the scheduler's own probe failed too), atomically (docs/decisions/083).
-- Invariant: only an online node becomes suspect; unknown, suspect and offline
-- nodes stay as they are (a repeat changes nothing and publishes nothing). A suspect
-- node is neither sticky nor a candidate (place.lua wants 'online'), so its rooms
-- move at their next placement, as an offline node's do. What follows is the polls'
-- to decide (apply-sample.lua): the first good poll that started after `suspectAt`
-- makes it online again, failed polls take it offline on the usual streak. The good
-- streak starts again; the failed streak is kept (the polls' own evidence).
-- ARGV: prefix, id, reason
-- Returns {previous, health}: health is 'suspect' when it changed, else the node's
-- health as it was; {} when there is no such node.
local id, reason = ARGV[2], ARGV[3]
local nodeK = K.node(id)
if redis.call('EXISTS', nodeK) == 0 then return {} end
local health = redis.call('HGET', nodeK, 'health') or 'unknown'
if health ~= 'online' then return {health, health} end
redis.call('HSET', nodeK, 'health', 'suspect', 'okStreak', 0, 'suspectAt', nowMs(), 'suspectReason', reason)
return {health, 'suspect'}
