-- Panics a node: disables it and releases every room placed on it, atomically.
-- Invariant: afterwards no room key names this node, its room set, count and
-- pending load are empty, and it takes no room until an operator enables it,
-- so each of its rooms is placed anew elsewhere on its next join. Their meetings
-- are re-created there (decision 031), so each stays in its tenant's accounts for
-- options.tenantGraceMs, without participants (lib/tenants.lua, docs/decisions/112).
-- ARGV: prefix, options (PlacementOptions, JSON), id
-- Returns the number of rooms released, or -1 when there is no such node.
local o, id = cjson.decode(ARGV[2]), ARGV[3]
local nodeK = K.node(id)
if redis.call('EXISTS', nodeK) == 0 then return -1 end
redis.call('HSET', nodeK, 'state', 'disabled', 'enableWhenHealthy', '0')
orphanNodeRooms(id, nowMs() + o.tenantGraceMs)
local released = 0
for _, roomKey in ipairs(redis.call('SMEMBERS', K.nodeRooms(id))) do
  local roomK = K.room(roomKey)
  if redis.call('GET', roomK) == id then
    redis.call('DEL', roomK)
    released = released + 1
  end
end
redis.call('DEL', unpack(nodeRoomKeys(id)))
redis.call('HSET', nodeK, 'rooms', 0, 'pending', 0)
return released
