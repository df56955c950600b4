-- Changes a room's name and settings only if it still exists and belongs to the
-- caller: an update racing a delete never resurrects half a room.
-- ARGV: prefix, id, ownerId, name, settings
-- Returns 1, or 0 when the room does not exist or is someone else's.
local roomK = ARGV[1] .. 'room:' .. ARGV[2]
if redis.call('HGET', roomK, 'ownerId') ~= ARGV[3] then return 0 end
redis.call('HSET', roomK, 'name', ARGV[4], 'settings', ARGV[5])
return 1
