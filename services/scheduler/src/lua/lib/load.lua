-- The one definition of a node's load (docs/decisions/081): place.lua ranks nodes by
-- it and node-loads.lua shows it to operators, so what they see is what placement uses.
-- `o` is the PlacementOptions object (src/config.ts), given to each script as JSON;
-- no default is restated here.

-- Participant-equivalents a reachable sample says a node carries (the BBB ranking's
-- base): participants + video streams x weight + meetings x weight.
local function sampleLoad(s, o)
  return s.participants + s.videoStreams * o.videoWeight + s.meetings * o.meetingWeight
end

-- What a room of `size` participants adds until polls see it: BBB counts its meeting
-- too (participant-equivalents); Jitsi counts participants (turned into CPU per node).
local function roomLoad(engine, size, o)
  if engine == 'jitsi' then return size end
  return size + o.meetingWeight
end

-- Drops a node's pending entries whose TTL has passed; returns its pending load.
local function livePending(id, now)
  local nodeK, zK, lK = K.node(id), K.nodePending(id), K.nodePendingLoad(id)
  local expired = redis.call('ZRANGEBYSCORE', zK, '-inf', now)
  for _, rk in ipairs(expired) do
    local l = tonumber(redis.call('HGET', lK, rk) or '0')
    redis.call('HINCRBYFLOAT', nodeK, 'pending', -l)
    redis.call('HDEL', lK, rk)
    redis.call('HDEL', K.nodePendingJoins(id), rk)
    redis.call('ZREM', zK, rk)
  end
  if #expired > 0 and redis.call('ZCARD', zK) == 0 then redis.call('HSET', nodeK, 'pending', 0) end
  return tonumber(redis.call('HGET', nodeK, 'pending') or '0')
end

-- A Jitsi node's CPU (0..1, nil when unknown) and CPU per participant: an exponentially
-- weighted average of cpu / participants, taking each new sample once. Only a
-- placement keeps (`learn`) what a new sample teaches; a view computes it alike.
local function jitsiCpu(id, o, learn)
  local nodeK = K.node(id)
  local f = redis.call('HMGET', nodeK, 'sampleAt', 'cpuLearnedAt', 'cpuNow', 'cpuPerParticipant')
  local cpuNow, k = f[3] or '', tonumber(f[4] or '') or o.jitsi.defaultCpuPerParticipant
  if f[1] and f[1] ~= f[2] then
    local ok, s = pcall(cjson.decode, redis.call('HGET', nodeK, 'sample') or '')
    cpuNow = ''
    if ok and type(s) == 'table' and s.reachable == true and type(s.cpu) == 'number' then
      cpuNow = tostring(s.cpu)
      local people = tonumber(s.participants) or 0
      if people >= o.jitsi.minParticipants then k = o.jitsi.alpha * (s.cpu / people) + (1 - o.jitsi.alpha) * k end
    end
    if learn then redis.call('HSET', nodeK, 'cpuLearnedAt', f[1], 'cpuNow', cpuNow, 'cpuPerParticipant', tostring(k)) end
  end
  return tonumber(cpuNow), k
end

-- A node's rank: {tier, load}; lower ranks first. `n`: {id, engine, mult, load (its
-- sample load)}; `largest`: the largest multiplier among the nodes ranked with it;
-- `own`: the placed room's load where it counts (BBB, a room that steers), else 0.
-- BBB: (sample load + pending + own) / effective multiplier, the multiplier shrunk by
-- headroom x (multiplier / largest)^2 so the largest nodes keep room for a late big
-- room (docs/decisions/052). Jitsi (docs/decisions/050): (cpu + pending participants x
-- CPU per participant) / multiplier; a node whose CPU is unknown is in tier 1, after
-- every node with a known CPU, ranked by its pending CPU alone.
local function nodeLoad(n, largest, own, o, now, learn)
  if n.engine == 'jitsi' then
    local cpu, k = jitsiCpu(n.id, o, learn)
    local pendingCpu = livePending(n.id, now) * k
    if cpu then return 0, (cpu + pendingCpu) / n.mult end
    return 1, pendingCpu / n.mult
  end
  local share = n.mult / largest
  return 0, (n.load + livePending(n.id, now) + own) / (n.mult * (1 - o.largeNodeHeadroom * share * share))
end
