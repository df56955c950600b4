-- Releases the lock only for its holder. Invariant: a holder whose lock expired (and
-- was taken by another run) can never release or extend the new holder's lock.
-- KEYS: lock   ARGV: token:holder, mode ('release' | 'extend'), ttl ms (extend)
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == 'extend' then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
else
  redis.call('DEL', KEYS[1])
end
return 1
