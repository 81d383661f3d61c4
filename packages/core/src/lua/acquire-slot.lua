-- Takes one of MAX_IN_FLIGHT upstream task slots for a generation, shared by every worker.
-- Idempotent: a generation that holds a slot keeps it (a recovered submit does not take two).
-- KEYS[1] the in-flight sorted set; ARGV[1] generation id, ARGV[2] limit, ARGV[3] now (ms)
-- Returns 1 when the generation holds a slot, 0 when all slots are taken.
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
