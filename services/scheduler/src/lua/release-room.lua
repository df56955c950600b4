-- Releases a room (its meeting ended): the room key and the node's room set,
-- count and pending load all drop it together. Releasing twice is a no-op.
-- The room's peak participants, as polls saw them, are remembered for its next
-- placement for options.rememberSizeS (docs/decisions/053).
-- A cordoned node whose last room is released becomes disabled (it is empty).
-- The room leaves its tenant's accounts (lib/tenants.lua): its meeting ended.
-- ARGV: prefix, options (PlacementOptions, JSON), roomKey
-- Returns {nodeId, disabled (1/0)}, or {} when the room was on no node.
local o, roomKey = cjson.decode(ARGV[2]), ARGV[3]
local roomK = K.room(roomKey)
local id = redis.call('GET', roomK)
if not id then return {} end
redis.call('DEL', roomK)
local peak, tenant = dropRoomFromNode(id, roomKey)
rememberRoomSize(roomKey, peak, o.rememberSizeS)
if tenant then unaccountRoom(tenant, roomKey) end
local n = redis.call('HMGET', K.node(id), 'state', 'rooms')
if n[1] == 'cordoned' and tonumber(n[2] or '0') <= 0 then
  redis.call('HSET', K.node(id), 'state', 'disabled')
  return {id, '1'}
end
return {id, '0'}
