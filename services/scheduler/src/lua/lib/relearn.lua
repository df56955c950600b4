-- Re-learning where rooms run after Redis lost its data (docs/decisions/091).
-- `epoch` is written when a scheduler begins the phase (relearn-begin.lua); while it is
-- absent the data is gone and nothing is known yet. Once the inventory is mirrored back,
-- the phase lasts until every BBB node that is not offline has delivered a list of its
-- meetings from a poll that started after the phase began (their rooms are adopted by
-- apply-sample.lua), or RELEARN_MAX_S at most. Meanwhile a BBB room without an assignment
-- is not placed: its meeting may be running on a node whose list has not come in yet.

-- True while the phase is on. With `finish`, a phase that is over is deleted (read-only
-- scripts pass false: they only read).
local function relearning(now, finish)
  if redis.call('EXISTS', K.epoch) == 0 then return true end
  local r = redis.call('HMGET', K.relearn, 'since', 'until', 'restored')
  if not r[1] then return false end
  local over = r[3] == '1' and now >= tonumber(r[2])
  if not over and r[3] == '1' then
    over = true
    local since = tonumber(r[1])
    for _, id in ipairs(redis.call('SMEMBERS', K.nodes)) do
      local n = redis.call('HMGET', K.node(id), 'engine', 'health', 'listedAt')
      if n[1] == 'bbb' and n[2] ~= 'offline' and tonumber(n[3] or '0') < since then
        over = false
        break
      end
    end
  end
  if over and finish then redis.call('DEL', K.relearn, K.relearnDuplicates) end
  return not over
end
