-- Panics a node: disables it and releases every room placed on it, atomically.
-- Invariant: afterwards no room key names this node, its room set, count and
-- pending load are empty, and it takes no room until an operator enables it,
-- so each of its rooms is placed anew elsewhere on its next join.
-- ARGV: prefix, id
-- Returns the number of rooms released, or -1 when there is no such node.
local id = ARGV[2]
local nodeK = K.node(id)
if redis.call('EXISTS', nodeK) == 0 then return -1 end
redis.call('HSET', nodeK, 'state', 'disabled', 'enableWhenHealthy', '0')
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
