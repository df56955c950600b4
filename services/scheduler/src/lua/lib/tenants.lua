-- Each room accounted to one tenant, for its quotas (docs/decisions/112), in one place so that
-- every script that places, moves, releases or drops a room keeps the accounts alike.
-- Invariant: a room key is in tenant T's rooms with score 0 exactly while it is placed on a node
-- for T (that node's room-tenants names T). A room that lost its node without its meeting being
-- known to have ended (panic, node removed, node offline; or found on a disabled node while
-- rooms are re-learned) stays in them, or enters them, scored with the time
-- until which it still counts (options.tenantGraceMs after), with no participants: its meeting
-- re-created elsewhere is not a new one for the quota. After that it is dropped, lazily, by the
-- next count of the tenant's meetings. T's participants hash has an entry only for a room in T's
-- rooms, and T's `participants` is the hash's sum, so that a quota check reads one field. A
-- tenant without rooms has no keys and is not in `tenants`.

-- Sets a room's participants, keeping the tenant's sum.
local function setTenantParticipants(t, roomKey, n)
  local old = tonumber(redis.call('HGET', K.tenantParticipants(t), roomKey) or '0')
  if n == old then return end
  redis.call('HSET', K.tenantParticipants(t), roomKey, n)
  redis.call('HINCRBY', K.tenant(t), 'participants', n - old)
end

-- What its node's list says of a room placed for t: the participants in it now. Joins counted
-- since the poll started (`joinedSince`) are not in its figure: the higher count stays. A room in
-- its grace (its node offline) is left as it is until the node serves it again.
local function listTenantRoom(t, roomKey, people, joinedSince)
  if tonumber(redis.call('ZSCORE', K.tenantRooms(t), roomKey) or '-1') ~= 0 then return end
  if joinedSince then
    people = math.max(people, tonumber(redis.call('HGET', K.tenantParticipants(t), roomKey) or '0'))
  end
  setTenantParticipants(t, roomKey, people)
end

-- A join counted for the room (until its node's next listing says how many are in).
local function countTenantJoin(t, roomKey)
  redis.call('HINCRBY', K.tenantParticipants(t), roomKey, 1)
  redis.call('HINCRBY', K.tenant(t), 'participants', 1)
end

-- A room placed (new or moved) or re-learned on node `id` for tenant t, with its participants.
local function accountRoom(t, id, roomKey, participants)
  redis.call('HSET', K.nodeRoomTenants(id), roomKey, t)
  redis.call('ZADD', K.tenantRooms(t), 0, roomKey)
  redis.call('SADD', K.tenants, t)
  setTenantParticipants(t, roomKey, participants)
end

-- A room out of its tenant's accounts: its meeting ended, or its grace is over.
local function unaccountRoom(t, roomKey)
  setTenantParticipants(t, roomKey, 0)
  redis.call('HDEL', K.tenantParticipants(t), roomKey)
  redis.call('ZREM', K.tenantRooms(t), roomKey)
  if redis.call('ZCARD', K.tenantRooms(t)) == 0 then
    redis.call('DEL', K.tenant(t), K.tenantParticipants(t))
    redis.call('SREM', K.tenants, t)
  end
end

-- A room placed for t lost its node without ending: it counts until `untilMs`, with nobody in
-- it. A room already in its grace keeps the earlier end.
local function orphanRoom(t, roomKey, untilMs)
  if tonumber(redis.call('ZSCORE', K.tenantRooms(t), roomKey) or '-1') == 0 then
    redis.call('ZADD', K.tenantRooms(t), untilMs, roomKey)
    setTenantParticipants(t, roomKey, 0)
  end
end

-- A meeting of t running where its room cannot stay (listed by a disabled node while rooms are
-- re-learned): not placed, but counted until `untilMs`, so that its re-creation is no new meeting.
local function graceRoom(t, roomKey, untilMs)
  if redis.call('ZADD', K.tenantRooms(t), 'NX', untilMs, roomKey) == 1 then redis.call('SADD', K.tenants, t) end
end

-- Every room still placed on node `id` (its room key names it): into their grace (the node went
-- offline, or is panicked or removed), or back to counting for good (`untilMs` nil: it is online again).
local function orphanNodeRooms(id, untilMs)
  local rt = redis.call('HGETALL', K.nodeRoomTenants(id))
  for i = 1, #rt, 2 do
    local roomKey, t = rt[i], rt[i + 1]
    if redis.call('GET', K.room(roomKey)) == id then
      if untilMs then
        orphanRoom(t, roomKey, untilMs)
      else
        redis.call('ZADD', K.tenantRooms(t), 0, roomKey)
        redis.call('SADD', K.tenants, t)
      end
    end
  end
end

-- The tenant's meetings that count now; rooms whose grace is over are dropped first.
local function tenantMeetings(t, now)
  for _, roomKey in ipairs(redis.call('ZRANGEBYSCORE', K.tenantRooms(t), '(0', now)) do unaccountRoom(t, roomKey) end
  return redis.call('ZCARD', K.tenantRooms(t))
end

local function tenantParticipants(t)
  return tonumber(redis.call('HGET', K.tenant(t), 'participants') or '0')
end
