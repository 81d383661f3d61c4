-- Records a finished batch's results file, when it is the file of the batch's current round, and
-- takes the batch off `batches:finishing` (nothing is left to repair).
-- KEYS[1] the batch hash, KEYS[2] batches:finishing
-- ARGV[1] batch id, ARGV[2] round, ARGV[3] bucket, ARGV[4] key
-- Returns 1 when recorded; 0 when the batch moved on to another round (or is gone).
if redis.call('HGET', KEYS[1], 'rd') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'mb', ARGV[3], 'mk', ARGV[4], 'mr', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
