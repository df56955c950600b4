-- Saves the autoscale policy's state together with the decisions that produced it.
-- Invariant: a state is written only over the revision it was computed from (a tick
-- that raced another provisioner's loses and changes nothing), and the state and its
-- decisions are stored together or not at all.
-- KEYS: autoscale (hash rev, state), decisions (list)
-- ARGV: expected rev, state JSON, max decisions kept, decision JSON...
local rev = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if rev ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'rev', rev + 1, 'state', ARGV[2])
for i = 4, #ARGV do redis.call('LPUSH', KEYS[2], ARGV[i]) end
if #ARGV >= 4 then redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1) end
return rev + 1
