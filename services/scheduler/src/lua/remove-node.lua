-- Forgets a node and everything kept per node. Invariant: no node record, room
-- set or pending entry outlives the node; room keys that still name it are left
-- to the placement script, which moves such rooms on their next placement.
-- ARGV: prefix, id
local p, id = ARGV[1], ARGV[2]
local nodeK = p .. 'node:' .. id
if redis.call('EXISTS', nodeK) == 0 then return 0 end
redis.call('DEL', nodeK, unpack(nodeRoomKeys(nodeK)))
redis.call('SREM', p .. 'nodes', id)
return 1
