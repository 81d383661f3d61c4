-- Marks a batch canceled-on-end, when it is still in progress: the move that ends its last
-- member then finishes it `canceled` (move.lua). The caller then cancels each active member.
-- KEYS[1] the batch hash. Returns 1 when marked; 0 when it is not in progress (or is gone).
if redis.call('HGET', KEYS[1], 'st') ~= 'in_progress' then return 0 end
redis.call('HSET', KEYS[1], 'cx', 1)
return 1
