-- Forgets a node and everything kept per node. Invariant: no node record, room
-- set or pending entry outlives the node; room keys that still name it are left
-- to the placement script, which moves such rooms on their next placement.
-- ARGV: prefix, id
local id = ARGV[2]
if redis.call('EXISTS', K.node(id)) == 0 then return 0 end
redis.call('DEL', K.node(id), unpack(nodeRoomKeys(id)))
redis.call('SREM', K.nodes, id)
return 1
