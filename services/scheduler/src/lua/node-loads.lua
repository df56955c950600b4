-- The load of every node (of one engine, or all), as the ranking sees it: lib/load.lua's
-- nodeLoad with no room of its own, each node measured against the largest multiplier
-- among its engine's enabled, online nodes (what an untagged placement ranks them by).
-- Invariant: changes nothing a placement would not: expired pending entries are dropped
-- (as every placement does); a Jitsi node's CPU per participant is computed, never learned.
-- ARGV: prefix, options (PlacementOptions, JSON), engine ('' for all)
-- Returns a flat list: nodeId, load, pendingLoad (exact decimal strings), ...
local o, engine = cjson.decode(ARGV[2]), ARGV[3]
local now = nowMs()
local nodes, largest = {}, {}
for _, id in ipairs(redis.call('SMEMBERS', K.nodes)) do
  local n = redis.call('HMGET', K.node(id), 'engine', 'state', 'health', 'loadMultiplier', 'load')
  if n[1] and (engine == '' or n[1] == engine) then
    local node = {id = id, engine = n[1], mult = tonumber(n[4] or '1'), load = tonumber(n[5] or '0')}
    nodes[#nodes + 1] = node
    if n[2] == 'enabled' and n[3] == 'online' and node.mult > (largest[n[1]] or 0) then largest[n[1]] = node.mult end
  end
end
local out = {}
for _, n in ipairs(nodes) do
  -- A node that takes no rooms now is measured as if it did (against itself when larger).
  local _, load = nodeLoad(n, math.max(largest[n.engine] or 0, n.mult), 0, o, now, false)
  local pending = livePending(n.id, now)
  out[#out + 1] = n.id
  out[#out + 1] = string.format('%.17g', math.max(0, load))
  out[#out + 1] = string.format('%.17g', math.max(0, pending))
end
return out
