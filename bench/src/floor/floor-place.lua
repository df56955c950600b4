-- The floor's placement: one sticky lookup-or-assign in one script, the least a
-- placement can cost (no load model, no health, no pending).
-- ARGV: roomKey, nodeCount
local k = 'floor:room:' .. ARGV[1]
local id = redis.call('GET', k)
if id then return id end
id = 'n' .. (redis.call('INCR', 'floor:rr') % tonumber(ARGV[2]))
redis.call('SET', k, id)
return id
