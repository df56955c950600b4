-- Releases a room (its meeting ended): the room key and the node's room set,
-- count and pending load all drop it together. Releasing twice is a no-op.
-- The room's peak participants, as polls saw them, are remembered for its next
-- placement (docs/decisions/053).
-- A cordoned node whose last room is released becomes disabled (it is empty).
-- ARGV: prefix, roomKey, rememberSizeS
-- Returns {nodeId, disabled (1/0)}, or {} when the room was on no node.
local p, roomKey = ARGV[1], ARGV[2]
local roomK = p .. 'room:' .. roomKey
local id = redis.call('GET', roomK)
if not id then return {} end
local nodeK = p .. 'node:' .. id
redis.call('DEL', roomK)
rememberRoomSize(p, roomKey, dropRoomFromNode(nodeK, roomKey), tonumber(ARGV[3] or '0'))
local n = redis.call('HMGET', nodeK, 'state', 'rooms')
if n[1] == 'cordoned' and tonumber(n[2] or '0') <= 0 then
  redis.call('HSET', nodeK, 'state', 'disabled')
  return {id, '1'}
end
return {id, '0'}
