-- Takes the provisioning lock if nobody holds it. Invariant: at most one holder at a
-- time, and every holder gets a fencing token larger than any handed out before, so
-- a holder whose lock expired can be told apart from the current one.
-- KEYS: lock, fence   ARGV: ttl ms, holder (run id)
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('GET', KEYS[1])}
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ':' .. ARGV[2], 'PX', ARGV[1])
return {token, ARGV[2]}
