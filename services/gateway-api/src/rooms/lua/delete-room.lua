-- Deletes a room owned by the caller with its links and index entry, all at once.
-- ARGV: prefix, id, ownerId
-- Returns 1, or 0 when the room does not exist or is someone else's (deleting twice is a no-op).
local p, id, owner = ARGV[1], ARGV[2], ARGV[3]
local roomK = p .. 'room:' .. id
if redis.call('HGET', roomK, 'ownerId') ~= owner then return 0 end
local old = redis.call('HMGET', roomK, 'moderatorHash', 'participantHash')
for _, h in ipairs(old) do
  if h then redis.call('DEL', p .. 'link:' .. h) end
end
redis.call('DEL', roomK)
redis.call('ZREM', p .. 'owner:' .. owner, id)
return 1
