-- Places a room on a node, atomically.
-- Invariant: a room key maps to at most one node, and that node's room set and
-- room count agree with it. A room stays on its node (sticky) while the node is
-- online and enabled or cordoned (a suspect node is not online, docs/decisions/083);
-- otherwise it moves to the enabled, online node
-- of its engine carrying the requested tags that ranks first by lib/load.lua's
-- nodeLoad (ties: fewer rooms, then node id).
-- The chosen node's pending load grows by the room's load (lib/load.lua roomLoad)
-- until its TTL, so a burst between two polls spreads instead of piling onto one
-- node. Joins of a room still pending count too: its pending load is
-- max(expected, roomLoad(joins)), so a room bigger than announced weighs what it is.
-- The room's size: the request's, else (BBB) the peak remembered from its last
-- meeting (docs/decisions/053), else newRoomSize. A BBB room bigger than
-- steerMinSize counts its own load in the ranking, so it goes where it weighs least;
-- a small one does not, its size being too rough to steer by (docs/decisions/052).
-- Tenants (docs/decisions/112): the room is accounted to the request's tenant (lib/tenants.lua;
-- the request's wins over an earlier account), its load (pending and own) is multiplied by the
-- tenant's weight, and its quotas are checked before anything changes: a meeting the tenant does
-- not run yet (no node holds its room, nor is it within the grace of a node it lost) is refused
-- at maxMeetings; a join at maxParticipants. A room that is placed, or moves, is never refused
-- for the meeting quota: a running meeting is never ended or moved because of a quota.
-- Only BBB rooms are accounted: a Jitsi call's end and participants are seen by no poll (its
-- room stays placed until `end`), so its tenant's rules apply to it, not its quotas.
-- ARGV: prefix, options (PlacementOptions, JSON), request (JSON):
--   {roomKey, engine, size? (participants; absent when the caller gave none), tags: [..] (the tenant's
--    required tags included), join: bool, stickyOnly: bool (only the sticky answer: a room on no serving
--    node is {'not-placed'}, nothing changes), tenant (its name), weight (its load weight),
--    maxMeetings?, maxParticipants? (its quotas)}
-- Returns {outcome, nodeId, url, previousNodeId, secret} (the secret only for signing, never sent on),
-- {'no-capacity'}, {'not-placed'}, {'relearning'} (docs/decisions/091), or a refusal with the
-- tenant's count: {'quota-meetings', meetings}, {'quota-participants', participants}.
local o, req = cjson.decode(ARGV[2]), cjson.decode(ARGV[3])
local roomKey, engine = req.roomKey, req.engine
local tenant, weight = req.tenant, req.weight
local accounted = engine == 'bbb'
local now = nowMs()

-- The participant quota refuses a join, wherever the room is.
local function overParticipants()
  if not accounted or req.join ~= true or not req.maxParticipants then return nil end
  local people = tenantParticipants(tenant)
  if people >= req.maxParticipants then return {'quota-participants', tostring(people)} end
  return nil
end

local roomK = K.room(roomKey)
local current = redis.call('GET', roomK)
if current then
  local n = redis.call('HMGET', K.node(current), 'state', 'health', 'url', 'engine', 'secret')
  if n[1] and (n[1] == 'enabled' or n[1] == 'cordoned') and n[2] == 'online' and n[4] == engine then
    local refused = overParticipants()
    if refused then return refused end
    local contribution = redis.call('HGET', K.nodePendingLoad(current), roomKey)
    if req.join == true and contribution then
      local grown = roomLoad(engine, redis.call('HINCRBY', K.nodePendingJoins(current), roomKey, 1), o) * weight
      if grown > tonumber(contribution) then
        redis.call('HSET', K.nodePendingLoad(current), roomKey, grown)
        redis.call('HINCRBYFLOAT', K.node(current), 'pending', grown - tonumber(contribution))
      end
    end
    -- A lookup may precede creating the meeting again on this node (after it ended):
    -- no poll that started before now may count the room as ended (docs/decisions/053).
    redis.call('HSET', K.nodeRoomTouched(current), roomKey, now)
    redis.call('HDEL', K.nodeRoomMissing(current), roomKey)
    local was = accounted and redis.call('HGET', K.nodeRoomTenants(current), roomKey)
    if accounted and was ~= tenant then
      -- Placed before tenants were accounted, or re-learned under another tenant (decision 112).
      local people = 0
      if was then
        people = tonumber(redis.call('HGET', K.tenantParticipants(was), roomKey) or '0')
        unaccountRoom(was, roomKey)
      end
      accountRoom(tenant, current, roomKey, people)
    end
    if accounted and req.join == true then countTenantJoin(tenant, roomKey) end
    return {'existing', current, n[3], '', n[5]}
  end
end
if req.stickyOnly == true then return {'not-placed'} end
-- After a Redis loss, a BBB room nobody re-learned yet may be running on a node whose
-- list has not come in: not placed until it is known (lib/relearn.lua).
if not current and engine == 'bbb' and relearning(now, true) then return {'relearning'} end
-- A meeting the tenant runs already (placed, or in the grace of a node it lost) is not a new one.
if accounted then
  local meetings = tenantMeetings(tenant, now)
  if req.maxMeetings and not current and meetings >= req.maxMeetings
    and not redis.call('ZSCORE', K.tenantRooms(tenant), roomKey) then
    return {'quota-meetings', tostring(meetings)}
  end
end
local refused = overParticipants()
if refused then return refused end

local function hasTags(tagList)
  if #req.tags == 0 then return true end
  local have = {}
  for tag in string.gmatch(tagList or '', '[^,]+') do have[tag] = true end
  for _, tag in ipairs(req.tags) do if not have[tag] then return false end end
  return true
end

local size = req.size
if size == nil and engine == 'bbb' then size = tonumber(redis.call('GET', K.roomSize(roomKey)) or '') end
if size == nil then size = o.newRoomSize end
local expected = roomLoad(engine, size, o) * weight
local own = 0
if engine == 'bbb' and size > o.steerMinSize then own = expected end

local candidates, largest = {}, 0
for _, id in ipairs(redis.call('SMEMBERS', K.nodes)) do
  local n = redis.call('HMGET', K.node(id), 'engine', 'state', 'health', 'loadMultiplier', 'load', 'rooms', 'tags', 'url')
  if n[1] == engine and n[2] == 'enabled' and n[3] == 'online' and hasTags(n[7]) then
    local mult = tonumber(n[4] or '1')
    candidates[#candidates + 1] = {id = id, engine = engine, mult = mult, load = tonumber(n[5] or '0'),
      rooms = tonumber(n[6] or '0'), url = n[8]}
    if mult > largest then largest = mult end
  end
end

local best, bestTier, bestScore, bestRooms, bestUrl
for _, c in ipairs(candidates) do
  local tier, score = nodeLoad(c, largest, own, o, now, true)
  if not best or tier < bestTier or (tier == bestTier and (score < bestScore or (score == bestScore and (c.rooms < bestRooms or (c.rooms == bestRooms and c.id < best))))) then
    best, bestTier, bestScore, bestRooms, bestUrl = c.id, tier, score, c.rooms, c.url
  end
end
if not best then return {'no-capacity'} end

local outcome, previous = 'new', ''
if current then
  outcome, previous = 'moved', current
  local _, was = dropRoomFromNode(current, roomKey)
  if was and was ~= tenant then unaccountRoom(was, roomKey) end
end

local nodeK = K.node(best)
redis.call('SET', roomK, best)
if redis.call('SADD', K.nodeRooms(best), roomKey) == 1 then redis.call('HINCRBY', nodeK, 'rooms', 1) end
redis.call('ZADD', K.nodePending(best), now + o.pendingTtlMs, roomKey)
redis.call('HSET', K.nodePendingLoad(best), roomKey, expected)
redis.call('HINCRBYFLOAT', nodeK, 'pending', expected)
redis.call('HSET', K.nodeRoomTouched(best), roomKey, now)
-- Its meeting is created anew there: nobody in it but this join.
if accounted then accountRoom(tenant, best, roomKey, req.join == true and 1 or 0) end
return {outcome, best, bestUrl, previous, redis.call('HGET', nodeK, 'secret')}
