-- Corrects a mirrored node to its record in PostgreSQL (fleet/node-mirror.service.ts,
-- docs/decisions/091): a Redis restored from an old snapshot holds old values.
-- Invariant: compare-and-set. The node's record fields must still be what the mirror read
-- before it read PostgreSQL; a change made meanwhile (PostgreSQL first, then here) is never
-- overwritten with the older record (the next check looks again). Health, samples and
-- rooms are kept. A different engine or URL is another node: nothing is written, the
-- caller replaces it whole.
-- ARGV: prefix, id, then the fields below as read (absent: ''), then as the record has them.
-- Returns {'corrected', field names...} ({'corrected'} alone: nothing differed),
-- {'changed'} (read again next time), {'other-node'} or {'gone'}.
local F = {'engine', 'url', 'secret', 'state', 'loadMultiplier', 'tags', 'enableWhenHealthy', 'createdAt',
  'prometheusInstance'}
local id, nodeK = ARGV[2], K.node(ARGV[2])
if redis.call('EXISTS', nodeK) == 0 then return {'gone'} end
local cur = redis.call('HMGET', nodeK, unpack(F))
for i = 1, #F do
  if (cur[i] or '') ~= ARGV[2 + i] then return {'changed'} end
end
local want = function(i) return ARGV[2 + #F + i] end
if cur[1] ~= want(1) or cur[2] ~= want(2) then return {'other-node'} end
local out = {'corrected'}
for i = 3, #F do
  if (cur[i] or '') ~= want(i) then
    if want(i) == '' then redis.call('HDEL', nodeK, F[i]) else redis.call('HSET', nodeK, F[i], want(i)) end
    out[#out + 1] = F[i]
  end
end
return out
