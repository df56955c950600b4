-- Records a node's software version. Invariant: never recreates a removed node
-- (a plain HSET after a removal would leave a half record behind).
-- ARGV: prefix, id, version
local nodeK = K.node(ARGV[2])
if redis.call('EXISTS', nodeK) == 0 then return 0 end
redis.call('HSET', nodeK, 'version', ARGV[3])
return 1
