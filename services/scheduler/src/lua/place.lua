-- Places a room on a node, atomically.
-- Invariant: a room key maps to at most one node, and that node's room set and
-- room count agree with it. A room stays on its node (sticky) while the node is
-- online and enabled or cordoned; otherwise it moves to the enabled, online node
-- of its engine with the lowest (sample load + unexpired pending load) / multiplier.
-- The chosen node's pending load grows by the room's expected load until its TTL,
-- so a burst between two polls spreads instead of piling onto one node. Joins of a
-- room still pending count too: its pending load is max(expected, joins + meeting
-- weight), so a room bigger than announced weighs what it really is. BBB nodes rank
-- by load per effective multiplier (docs/decisions/052): a room expected bigger than
-- steerMinSize counts its own load, so it goes where it weighs least; a small one does not, since
-- its hint is too rough to steer by. The largest nodes keep headroom for a late big
-- room: the multiplier shrinks by headroom x (multiplier / largest multiplier)^2.
-- Jitsi nodes rank by CPU instead (docs/decisions/050): last CPU reading plus the
-- CPU their pending rooms will take (expected participants x the node's learned
-- CPU per participant), per multiplier; nodes whose CPU is unknown rank after all
-- nodes with a known CPU.
-- ARGV: prefix, roomKey, engine, expectedLoad, pendingTtlMs, requiredTags (comma list, may be empty),
--       joining ('1' when a participant joins), meetingWeight,
--       jitsiDefaultCpuPerParticipant, jitsiLearnAlpha, jitsiLearnMinParticipants (Jitsi only),
--       size (participants expectedLoad stands for), largeNodeHeadroom (0..0.5) (BBB only),
--       unsized ('1' when the caller gave no size: a remembered peak size replaces size and
--       expectedLoad, docs/decisions/053), steerMinSize
-- Returns {outcome, nodeId, url, previousNodeId, secret} (the secret only for signing, never sent on) or {'no-capacity'}.
local p, roomKey, engine = ARGV[1], ARGV[2], ARGV[3]
local expected, ttl = tonumber(ARGV[4]), tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local roomK = p .. 'room:' .. roomKey
local current = redis.call('GET', roomK)
if current then
  local n = redis.call('HMGET', p .. 'node:' .. current, 'state', 'health', 'url', 'engine', 'secret')
  if n[1] and (n[1] == 'enabled' or n[1] == 'cordoned') and n[2] == 'online' and n[4] == engine then
    local nodeK = p .. 'node:' .. current
    local contribution = redis.call('HGET', nodeK .. ':pending-load', roomKey)
    if ARGV[7] == '1' and contribution then
      local joins = redis.call('HINCRBY', nodeK .. ':pending-joins', roomKey, 1)
      local grown = joins + tonumber(ARGV[8])
      if grown > tonumber(contribution) then
        redis.call('HSET', nodeK .. ':pending-load', roomKey, grown)
        redis.call('HINCRBYFLOAT', nodeK, 'pending', grown - tonumber(contribution))
      end
    end
    -- A lookup may precede creating the meeting again on this node (after it ended):
    -- no poll that started before now may count the room as ended (docs/decisions/053).
    redis.call('HSET', nodeK .. ':room-touched', roomKey, now)
    redis.call('HDEL', nodeK .. ':room-missing', roomKey)
    return {'existing', current, n[3], '', n[5]}
  end
end

local required = {}
for tag in string.gmatch(ARGV[6], '[^,]+') do required[#required + 1] = tag end

local function hasTags(tagList)
  if #required == 0 then return true end
  local have = {}
  for tag in string.gmatch(tagList or '', '[^,]+') do have[tag] = true end
  for _, tag in ipairs(required) do if not have[tag] then return false end end
  return true
end

-- Drops a node's pending entries whose TTL has passed; returns its pending load.
local function livePending(id)
  local nodeK = p .. 'node:' .. id
  local zK, lK = nodeK .. ':pending', nodeK .. ':pending-load'
  local expired = redis.call('ZRANGEBYSCORE', zK, '-inf', now)
  for _, rk in ipairs(expired) do
    local l = tonumber(redis.call('HGET', lK, rk) or '0')
    redis.call('HINCRBYFLOAT', nodeK, 'pending', -l)
    redis.call('HDEL', lK, rk)
    redis.call('HDEL', nodeK .. ':pending-joins', rk)
    redis.call('ZREM', zK, rk)
  end
  if #expired > 0 and redis.call('ZCARD', zK) == 0 then redis.call('HSET', nodeK, 'pending', 0) end
  return tonumber(redis.call('HGET', nodeK, 'pending') or '0')
end

local defaultK, alpha, minLearn = tonumber(ARGV[9] or '0.01'), tonumber(ARGV[10] or '0.3'), tonumber(ARGV[11] or '5')
-- A Jitsi node's CPU (0..1, nil when unknown) and CPU per participant, learned once
-- per new sample: an exponentially weighted average of cpu / participants.
local function jitsiCpu(nodeK)
  local f = redis.call('HMGET', nodeK, 'sampleAt', 'cpuLearnedAt', 'cpuNow', 'cpuPerParticipant')
  local cpuNow, k = f[3] or '', tonumber(f[4] or '') or defaultK
  if f[1] and f[1] ~= f[2] then
    local ok, s = pcall(cjson.decode, redis.call('HGET', nodeK, 'sample') or '')
    cpuNow = ''
    if ok and type(s) == 'table' and s.reachable == true and type(s.cpu) == 'number' then
      cpuNow = tostring(s.cpu)
      local people = tonumber(s.participants) or 0
      if people >= minLearn then k = alpha * (s.cpu / people) + (1 - alpha) * k end
    end
    redis.call('HSET', nodeK, 'cpuLearnedAt', f[1], 'cpuNow', cpuNow, 'cpuPerParticipant', tostring(k))
  end
  return tonumber(cpuNow), k
end
local size, headroom = tonumber(ARGV[12] or '0'), tonumber(ARGV[13] or '0')
if engine == 'bbb' and ARGV[14] == '1' then
  local remembered = tonumber(redis.call('GET', p .. 'room-size:' .. roomKey) or '')
  if remembered then size, expected = remembered, remembered + tonumber(ARGV[8]) end
end
local steer = size > tonumber(ARGV[15] or '0')
local candidates, maxMult = {}, 0
for _, id in ipairs(redis.call('SMEMBERS', p .. 'nodes')) do
  local n = redis.call('HMGET', p .. 'node:' .. id, 'engine', 'state', 'health', 'loadMultiplier', 'load', 'rooms', 'tags', 'url')
  if n[1] == engine and n[2] == 'enabled' and n[3] == 'online' and hasTags(n[7]) then
    local mult = tonumber(n[4] or '1')
    candidates[#candidates + 1] = {id = id, mult = mult, load = tonumber(n[5] or '0'), rooms = tonumber(n[6] or '0'), url = n[8]}
    if mult > maxMult then maxMult = mult end
  end
end

local best, bestTier, bestScore, bestRooms, bestUrl
for _, c in ipairs(candidates) do
  local tier, score = 0, 0
  if engine == 'jitsi' then
    local cpu, k = jitsiCpu(p .. 'node:' .. c.id)
    local pendingCpu = livePending(c.id) * k
    if cpu then score = (cpu + pendingCpu) / c.mult else tier, score = 1, pendingCpu / c.mult end
  else
    local own = steer and expected or 0
    local share = c.mult / maxMult
    score = (c.load + livePending(c.id) + own) / (c.mult * (1 - headroom * share * share))
  end
  if not best or tier < bestTier or (tier == bestTier and (score < bestScore or (score == bestScore and (c.rooms < bestRooms or (c.rooms == bestRooms and c.id < best))))) then
    best, bestTier, bestScore, bestRooms, bestUrl = c.id, tier, score, c.rooms, c.url
  end
end
if not best then return {'no-capacity'} end

local outcome, previous = 'new', ''
if current then
  outcome, previous = 'moved', current
  dropRoomFromNode(p .. 'node:' .. current, roomKey)
end

local nodeK = p .. 'node:' .. best
redis.call('SET', roomK, best)
if redis.call('SADD', nodeK .. ':rooms', roomKey) == 1 then redis.call('HINCRBY', nodeK, 'rooms', 1) end
redis.call('ZADD', nodeK .. ':pending', now + ttl, roomKey)
redis.call('HSET', nodeK .. ':pending-load', roomKey, expected)
redis.call('HINCRBYFLOAT', nodeK, 'pending', expected)
redis.call('HSET', nodeK .. ':room-touched', roomKey, now)
return {outcome, best, bestUrl, previous, redis.call('HGET', nodeK, 'secret')}
