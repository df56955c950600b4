-- Shared by every scheduler script (scripts.ts puts it in front of each): what a
-- node keeps per room, in one place, so that no script forgets an entry.

-- A node's keys that hold per-room state (its room set, pending load, peaks, streaks).
local function nodeRoomKeys(nodeK)
  return {nodeK .. ':rooms', nodeK .. ':pending', nodeK .. ':pending-load', nodeK .. ':pending-joins',
    nodeK .. ':room-peaks', nodeK .. ':room-missing', nodeK .. ':room-touched'}
end

-- Takes a room off a node: room set and count, pending load, and every per-room
-- entry. Returns the room's peak participants as polls saw them (0 when none).
local function dropRoomFromNode(nodeK, roomKey)
  if redis.call('SREM', nodeK .. ':rooms', roomKey) == 1 then redis.call('HINCRBY', nodeK, 'rooms', -1) end
  local l = tonumber(redis.call('HGET', nodeK .. ':pending-load', roomKey) or '0')
  if l > 0 then redis.call('HINCRBYFLOAT', nodeK, 'pending', -l) end
  redis.call('ZREM', nodeK .. ':pending', roomKey)
  local peak = tonumber(redis.call('HGET', nodeK .. ':room-peaks', roomKey) or '0')
  for _, h in ipairs({'pending-load', 'pending-joins', 'room-peaks', 'room-missing', 'room-touched'}) do
    redis.call('HDEL', nodeK .. ':' .. h, roomKey)
  end
  return peak
end

-- Keeps a released room's peak for its next placement (docs/decisions/053).
local function rememberRoomSize(p, roomKey, peak, seconds)
  if peak > 0 and seconds > 0 then redis.call('SET', p .. 'room-size:' .. roomKey, peak, 'EX', seconds) end
end
