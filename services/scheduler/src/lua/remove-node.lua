-- Forgets a node and everything kept per node. Invariant: no node record, room
-- set or pending entry outlives the node; room keys that still name it are left
-- to the placement script, which moves such rooms on their next placement. Until
-- then each counts for its tenant for options.tenantGraceMs, without participants
-- (lib/tenants.lua, docs/decisions/112).
-- ARGV: prefix, options (PlacementOptions, JSON), id
local o, id = cjson.decode(ARGV[2]), ARGV[3]
if redis.call('EXISTS', K.node(id)) == 0 then return 0 end
orphanNodeRooms(id, nowMs() + o.tenantGraceMs)
redis.call('DEL', K.node(id), unpack(nodeRoomKeys(id)))
redis.call('SREM', K.nodes, id)
return 1
