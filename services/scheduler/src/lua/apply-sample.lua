-- Applies one load sample to a node and decides its health, atomically.
-- Invariant: samples apply in time order (an older one is ignored), and health
-- changes only on streaks: offline after `offlineAfter` consecutive failed
-- polls, online after `onlineAfter` consecutive good ones (a node never seen
-- healthy goes online on its first good poll). A suspect node (suspect-node.lua,
-- docs/decisions/083) goes online on the first good poll that started after it was
-- suspected (an older one says nothing of the failure), offline on the same failed
-- streak as an online node; leaving suspect forgets why. A node registered cordoned with
-- enableWhenHealthy becomes enabled as it goes online (new capacity joins by itself).
-- A cordoned node becomes disabled once a good poll reports it empty (0 meetings)
-- and no room placed on it is still too recent for a poll to see (no live pending
-- entry): a room placed but not yet created cannot be cut off by the cordon.
-- When the sample lists the node's meetings (BBB), a room on the node whose meeting
-- is missing from `placement.endedAfterPolls` such lists in a row ended: it is released, and its
-- peak participants are remembered for its next placement (docs/decisions/053).
-- A list counts as a miss only if its poll started after the room was last placed
-- or looked up (plus 2 s for clocks), and the room has no live pending entry: the
-- meeting may be being created. Listed rooms update their peak and reset their
-- streak; a sample without a list (or unreachable) resets every streak.
-- While rooms are re-learned after a Redis loss (lib/relearn.lua, docs/decisions/091), a
-- list adopts every meeting whose room is on no node: the room goes on this node (not if it
-- is disabled: its rooms move anyway) under its BBB API key, and under its meetingID too when
-- a web room can have that meetingID (the node cannot tell which it is). A meeting whose room is
-- on another node already stays there (the first list that adopted it wins: a room never
-- moves for a listing) and is returned once per phase as a duplicate. A list from a poll that
-- started after the phase began counts the node as re-learned; the last one ends the phase.
-- Tenants (lib/tenants.lua, docs/decisions/112): an adopted meeting is accounted to the tenant
-- given with it, once (under the key it is adopted by last: the web room's when it may be one);
-- one a disabled node lists is not adopted but counts for its tenant for its grace (as a room
-- whose node was panicked: its meeting is re-created elsewhere);
-- a listed room's participants become its tenant's count for it (kept when higher and the room
-- was joined after the poll started: those joins are not in the poll's figure); a released room
-- leaves its tenant's accounts; a node going offline puts its rooms into their grace
-- (options.placement.tenantGraceMs), one coming back online takes them out again.
-- Returns {kind, previous, health, enabled (1/0), disabled (1/0), released, adopted,
-- relearned (1: this sample ended the phase), then per new duplicate: roomKey, keptOn},
-- kind being 'transition' (health changed) or 'applied', or {'unknown-node'} / {'stale'}.
-- A reachable sample's load is lib/load.lua's sampleLoad.
-- ARGV: prefix, options (JSON: {offlineAfter, onlineAfter, placement: PlacementOptions}),
--       sample (JSON, kept as is), listed ('1' when the meetings below are the node's whole list),
--       then per meeting: roomKey (the meetingID), otherRoomKey (its BBB API key), participants,
--       adoptBoth ('1': a re-learning adopts both keys, a web room's meetingID; '0': the BBB API key only),
--       tenant (the one its meetingID names, for a re-learning)
local o, sampleJson = cjson.decode(ARGV[2]), ARGV[3]
local s, rule = cjson.decode(sampleJson), o.placement
local id, at, reachable = s.nodeId, s.at, s.reachable == true
local nodeK = K.node(id)
if redis.call('EXISTS', nodeK) == 0 then return {'unknown-node'} end
local n = redis.call('HMGET', nodeK, 'sampleAt', 'health', 'okStreak', 'failStreak', 'state', 'enableWhenHealthy',
  'suspectAt')
if n[1] and tonumber(n[1]) >= at then return {'stale'} end
local health = n[2] or 'unknown'
local ok, fail = tonumber(n[3] or '0'), tonumber(n[4] or '0')
local nextHealth = health
if reachable then
  ok, fail = ok + 1, 0
  if health == 'suspect' then
    if at > tonumber(n[7] or '0') then nextHealth = 'online' end
  elseif health ~= 'online' and (health == 'unknown' or ok >= o.onlineAfter) then
    nextHealth = 'online'
  end
  redis.call('HSET', nodeK, 'load', sampleLoad(s, rule))
else
  ok, fail = 0, fail + 1
  if health ~= 'offline' and fail >= o.offlineAfter then nextHealth = 'offline' end
end
redis.call('HSET', nodeK, 'sampleAt', at, 'sample', sampleJson, 'okStreak', ok, 'failStreak', fail, 'health', nextHealth)
if health == 'suspect' and nextHealth ~= 'suspect' then redis.call('HDEL', nodeK, 'suspectAt', 'suspectReason') end
local enabled, disabled = '0', '0'
if nextHealth ~= health and nextHealth == 'online' and n[6] == '1' and n[5] == 'cordoned' then
  redis.call('HSET', nodeK, 'state', 'enabled', 'enableWhenHealthy', '0')
  enabled = '1'
elseif reachable and n[5] == 'cordoned' and n[6] ~= '1' and s.meetings == 0 then
  if redis.call('ZCOUNT', K.nodePending(id), '(' .. nowMs(), '+inf') == 0 then
    redis.call('HSET', nodeK, 'state', 'disabled')
    disabled = '1'
  end
end
local hasList = reachable and ARGV[4] == '1'
local now = nowMs()
if nextHealth == 'offline' and health ~= 'offline' then orphanNodeRooms(id, now + rule.tenantGraceMs) end
if health == 'offline' and nextHealth == 'online' then orphanNodeRooms(id, nil) end
local adopted, relearned, duplicates = 0, '0', {}
local inPhase = redis.call('EXISTS', K.relearn) == 1
if hasList then redis.call('HSET', nodeK, 'listedAt', at) end
if hasList and inPhase and n[5] ~= 'disabled' then
  for i = 5, #ARGV, 5 do
    local keptOn, keptKey, mine
    for _, rk in ipairs({ARGV[i], ARGV[i + 1]}) do
      local on = redis.call('GET', K.room(rk))
      if on == id then mine = true elseif on then keptOn, keptKey = on, rk end
    end
    local roomKeys = {ARGV[i + 1]}
    if ARGV[i + 3] == '1' then roomKeys[2] = ARGV[i] end
    if keptOn then
      if redis.call('HSETNX', K.relearnDuplicates, id .. ' ' .. keptKey, keptOn) == 1 then
        duplicates[#duplicates + 1] = keptKey
        duplicates[#duplicates + 1] = keptOn
      end
    elseif not mine then
      for _, rk in ipairs(roomKeys) do
        redis.call('SET', K.room(rk), id)
        if redis.call('SADD', K.nodeRooms(id), rk) == 1 then redis.call('HINCRBY', nodeK, 'rooms', 1) end
        redis.call('HSET', K.nodeRoomPeaks(id), rk, tonumber(ARGV[i + 2]))
        redis.call('HSET', K.nodeRoomTouched(id), rk, now)
      end
      accountRoom(ARGV[i + 4], id, roomKeys[#roomKeys], tonumber(ARGV[i + 2]))
      adopted = adopted + 1
    end
  end
end
if hasList and inPhase and n[5] == 'disabled' then
  for i = 5, #ARGV, 5 do
    if not redis.call('GET', K.room(ARGV[i])) and not redis.call('GET', K.room(ARGV[i + 1])) then
      local key = ARGV[i + 1]
      if ARGV[i + 3] == '1' then key = ARGV[i] end
      graceRoom(ARGV[i + 4], key, now + rule.tenantGraceMs)
    end
  end
end
-- Going offline counts too: an unreachable node's list is not waited for.
if inPhase and not relearning(now, true) then relearned = '1' end
local released = 0
local listed = hasList and rule.releaseEndedRooms
-- A list updates the tenants' participants even when ended rooms are kept until `end`.
if hasList then
  local running = {}
  for i = 5, #ARGV, 5 do
    running[ARGV[i]] = tonumber(ARGV[i + 2])
    running[ARGV[i + 1]] = tonumber(ARGV[i + 2])
  end
  local peaksK, missingK = K.nodeRoomPeaks(id), K.nodeRoomMissing(id)
  for _, rk in ipairs(redis.call('SMEMBERS', K.nodeRooms(id))) do
    local people = running[rk]
    local touched = tonumber(redis.call('HGET', K.nodeRoomTouched(id), rk) or '0')
    if people then
      if listed then
        if people > tonumber(redis.call('HGET', peaksK, rk) or '-1') then redis.call('HSET', peaksK, rk, people) end
        redis.call('HDEL', missingK, rk)
      end
      local t = redis.call('HGET', K.nodeRoomTenants(id), rk)
      if t then listTenantRoom(t, rk, people, touched + 2000 >= at) end
    elseif listed then
      local due = redis.call('ZSCORE', K.nodePending(id), rk)
      local seen = (not due or tonumber(due) <= now) and touched + 2000 < at
      if seen and redis.call('HINCRBY', missingK, rk, 1) >= rule.endedAfterPolls then
        local roomK = K.room(rk)
        if redis.call('GET', roomK) == id then redis.call('DEL', roomK) end
        local peak, t = dropRoomFromNode(id, rk)
        rememberRoomSize(rk, peak, rule.rememberSizeS)
        if t then unaccountRoom(t, rk) end
        released = released + 1
      end
    end
  end
end
if not listed then redis.call('DEL', K.nodeRoomMissing(id)) end
local kind = 'applied'
if nextHealth ~= health then kind = 'transition' end
local out = {kind, health, nextHealth, enabled, disabled, released, adopted, relearned}
for _, v in ipairs(duplicates) do out[#out + 1] = v end
return out
