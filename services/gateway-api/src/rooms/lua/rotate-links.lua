-- Replaces both link tokens of a room owned by the caller: the old lookups die in
-- the same step the new ones appear, so an old link never works after a rotation.
-- ARGV: prefix, id, ownerId, moderatorToken, moderatorHash, participantToken, participantHash
-- Returns 1, or 0 when the room does not exist or is someone else's.
local p, id = ARGV[1], ARGV[2]
local roomK = p .. 'room:' .. id
if redis.call('HGET', roomK, 'ownerId') ~= ARGV[3] then return 0 end
local old = redis.call('HMGET', roomK, 'moderatorHash', 'participantHash')
for _, h in ipairs(old) do
  if h then redis.call('DEL', p .. 'link:' .. h) end
end
redis.call('HSET', roomK, 'moderatorToken', ARGV[4], 'moderatorHash', ARGV[5],
  'participantToken', ARGV[6], 'participantHash', ARGV[7])
redis.call('SET', p .. 'link:' .. ARGV[5], id .. ' moderator')
redis.call('SET', p .. 'link:' .. ARGV[7], id .. ' viewer')
return 1
