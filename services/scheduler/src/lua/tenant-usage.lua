-- What each tenant runs now, as its quotas count it (lib/tenants.lua, docs/decisions/112).
-- Invariant: changes nothing a placement would not: rooms whose grace is over are dropped, as
-- a placement for the tenant drops them.
-- ARGV: prefix, tenant ('' for every tenant that runs something)
-- Returns a flat list: name, meetings, participants, ... (by name).
local now, one = nowMs(), ARGV[2]
local names = {one}
if one == '' then
  names = redis.call('SMEMBERS', K.tenants)
  table.sort(names)
end
local out = {}
for _, t in ipairs(names) do
  local meetings = tenantMeetings(t, now)
  if meetings > 0 or one ~= '' then
    out[#out + 1] = t
    out[#out + 1] = meetings
    out[#out + 1] = math.max(0, tenantParticipants(t))
  end
end
return out
