-- Notices a Redis that lost its data and begins re-learning rooms (lib/relearn.lua).
-- Invariant: the phase begins once per loss, whichever scheduler instance notices first:
-- `epoch` and the phase are written together, and only while `epoch` is absent.
-- ARGV: prefix, phase length (ms), restored ('1': the inventory was mirrored back since the
--       phase began, as a call of this script without it returned; '' = leave as it is).
--       A phase always begins unrestored: Redis may have lost its data again since then.
-- Returns {'began', since} when this call began a phase, {'on', since} while one is on,
-- {'off'} otherwise (with restored '1', a phase whose nodes all listed their meetings ends).
local now = nowMs()
if redis.call('EXISTS', K.epoch) == 0 then
  redis.call('SET', K.epoch, now)
  redis.call('DEL', K.relearnDuplicates)
  redis.call('HSET', K.relearn, 'since', now, 'until', now + tonumber(ARGV[2]), 'restored', 0)
  return {'began', tostring(now)}
end
-- The deadline counts from the inventory's return: before it, no node could list anything
-- (PostgreSQL may have been down when the loss was noticed).
if ARGV[3] == '1' and redis.call('HGET', K.relearn, 'restored') == '0' then
  redis.call('HSET', K.relearn, 'restored', 1, 'until', now + tonumber(ARGV[2]))
end
if relearning(now, true) then return {'on', redis.call('HGET', K.relearn, 'since')} end
return {'off'}
