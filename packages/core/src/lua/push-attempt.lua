-- Logs one webhook delivery attempt and sets that event's delivery state, in one step.
-- KEYS[1] record hash, KEYS[2] delivery-attempt list
-- ARGV[1] delivery field (d.<event>), ARGV[2] delivery state, ARGV[3] attempt JSON ('' = none),
-- ARGV[4] most attempts kept, ARGV[5] now (ms)
-- The list inherits the record's expiry: it may be created after the record turned terminal.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], 'u', ARGV[5])
if ARGV[3] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[3])
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
  local ttl = redis.call('TTL', KEYS[1])
  if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
end
return 1
