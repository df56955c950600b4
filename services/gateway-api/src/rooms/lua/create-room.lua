-- Creates a room with its two link tokens: the room record, its owner's index and
-- both link lookups appear together, so a link never points at a missing room.
-- ARGV: prefix, id, ownerId, name, engine, settings, createdAt,
--       moderatorToken, moderatorHash, participantToken, participantHash
local p, id, owner = ARGV[1], ARGV[2], ARGV[3]
redis.call('HSET', p .. 'room:' .. id, 'id', id, 'ownerId', owner, 'name', ARGV[4], 'engine', ARGV[5],
  'settings', ARGV[6], 'createdAt', ARGV[7], 'moderatorToken', ARGV[8], 'moderatorHash', ARGV[9],
  'participantToken', ARGV[10], 'participantHash', ARGV[11])
redis.call('ZADD', p .. 'owner:' .. owner, ARGV[7], id)
redis.call('SET', p .. 'link:' .. ARGV[9], id .. ' moderator')
redis.call('SET', p .. 'link:' .. ARGV[11], id .. ' viewer')
return 1
