-- Creates a user only if its email is free: the email index and the user record
-- appear together or not at all, so two registrations with one email cannot both win.
-- ARGV: prefix, id, email, name, passwordHash, createdAt
-- Returns 1 when created, 0 when the email is taken.
local p, id, email = ARGV[1], ARGV[2], ARGV[3]
local emailK = p .. 'email:' .. email
if redis.call('SET', emailK, id, 'NX') == false then
  return 0
end
redis.call('HSET', p .. 'user:' .. id, 'id', id, 'email', email, 'name', ARGV[4], 'passwordHash', ARGV[5], 'createdAt', ARGV[6])
return 1
