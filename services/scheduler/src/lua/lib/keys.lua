-- Every key name the scheduler's scripts touch, built from the prefix each script
-- gets as ARGV[1]. Mirrors src/keys.ts name for name (keys.int-spec.ts checks it):
-- a key is named here and there, nowhere else.
local P = ARGV[1]
local K = {
  nodes = P .. 'nodes',
  node = function(id) return P .. 'node:' .. id end,
  epoch = P .. 'epoch',
  relearn = P .. 'relearn',
  relearnDuplicates = P .. 'relearn:duplicates',
  room = function(roomKey) return P .. 'room:' .. roomKey end,
  roomSize = function(roomKey) return P .. 'room-size:' .. roomKey end,
  nodeRooms = function(id) return P .. 'node:' .. id .. ':rooms' end,
  nodePending = function(id) return P .. 'node:' .. id .. ':pending' end,
  nodePendingLoad = function(id) return P .. 'node:' .. id .. ':pending-load' end,
  nodePendingJoins = function(id) return P .. 'node:' .. id .. ':pending-joins' end,
  nodeRoomPeaks = function(id) return P .. 'node:' .. id .. ':room-peaks' end,
  nodeRoomMissing = function(id) return P .. 'node:' .. id .. ':room-missing' end,
  nodeRoomTouched = function(id) return P .. 'node:' .. id .. ':room-touched' end,
  nodeRoomTenants = function(id) return P .. 'node:' .. id .. ':room-tenants' end,
  tenants = P .. 'tenants',
  tenant = function(name) return P .. 'tenant:' .. name end,
  tenantRooms = function(name) return P .. 'tenant:' .. name .. ':rooms' end,
  tenantParticipants = function(name) return P .. 'tenant:' .. name .. ':participants' end,
}

-- Redis' clock in ms: every script reads time the same way.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
