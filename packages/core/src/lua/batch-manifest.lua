-- Records a finished batch's results file, when it is the file of the batch's current round, and
-- takes the batch off `batches:finishing` (nothing is left to repair).
-- KEYS[1] the batch hash, KEYS[2] batches:finishing
-- ARGV[1] batch id, ARGV[2] round, ARGV[3] bucket, ARGV[4] key
-- Returns 1 when recorded; 0 when the batch moved on to another round (or is gone), or is in
-- progress again: an operator resumed a member after this round ended (the round number moves
-- only when the batch ends again), so the file just written is already stale.
local b = redis.call('HMGET', KEYS[1], 'rd', 'st')
if b[1] ~= ARGV[2] or b[2] == 'in_progress' then return 0 end
redis.call('HSET', KEYS[1], 'mb', ARGV[3], 'mk', ARGV[4], 'mr', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
