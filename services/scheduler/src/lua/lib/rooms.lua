-- What a node keeps per room, in one place, so that no script forgets an entry
-- (every scheduler script gets this lib after lib/keys.lua).

-- A node's keys that hold per-room state (its room set, pending load, peaks, streaks, tenants).
local function nodeRoomKeys(id)
  return {K.nodeRooms(id), K.nodePending(id), K.nodePendingLoad(id), K.nodePendingJoins(id),
    K.nodeRoomPeaks(id), K.nodeRoomMissing(id), K.nodeRoomTouched(id), K.nodeRoomTenants(id)}
end

-- Takes a room off a node: room set and count, pending load, and every per-room
-- entry. Returns the room's peak participants as polls saw them (0 when none), and the
-- tenant it is accounted to (nil when none): the caller ends or carries on its account
-- (lib/tenants.lua).
local function dropRoomFromNode(id, roomKey)
  local nodeK = K.node(id)
  if redis.call('SREM', K.nodeRooms(id), roomKey) == 1 then redis.call('HINCRBY', nodeK, 'rooms', -1) end
  local l = tonumber(redis.call('HGET', K.nodePendingLoad(id), roomKey) or '0')
  if l > 0 then redis.call('HINCRBYFLOAT', nodeK, 'pending', -l) end
  redis.call('ZREM', K.nodePending(id), roomKey)
  local peak = tonumber(redis.call('HGET', K.nodeRoomPeaks(id), roomKey) or '0')
  local tenant = redis.call('HGET', K.nodeRoomTenants(id), roomKey) or nil
  for _, h in ipairs({K.nodePendingLoad(id), K.nodePendingJoins(id), K.nodeRoomPeaks(id), K.nodeRoomMissing(id),
    K.nodeRoomTouched(id), K.nodeRoomTenants(id)}) do
    redis.call('HDEL', h, roomKey)
  end
  return peak, tenant
end

-- Keeps a released room's peak for its next placement (docs/decisions/053).
local function rememberRoomSize(roomKey, peak, seconds)
  if peak > 0 and seconds > 0 then redis.call('SET', K.roomSize(roomKey), peak, 'EX', seconds) end
end
