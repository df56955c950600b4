-- Looks a room up without placing it: its node and that node's state, in one trip.
-- Invariant: read-only.
-- ARGV: prefix, roomKey
-- Returns {nodeId, url, engine, state, health, secret}, {} when the room is on no node, or
-- {'relearning'} when it is on none yet because rooms are being re-learned (docs/decisions/091).
local id = redis.call('GET', K.room(ARGV[2]))
if not id then
  if relearning(nowMs(), false) then return {'relearning'} end
  return {}
end
local n = redis.call('HMGET', K.node(id), 'url', 'engine', 'state', 'health', 'secret')
if not n[1] then return {} end
return {id, n[1], n[2], n[3], n[4], n[5]}
