-- Pauses submission to the upstream (or keeps it paused with the newer reason; `since` stays the
-- first). An automatic pause never replaces an operator's: only the operator resumes that one.
-- KEYS[1] the pause hash. ARGV[1] now (ms), ARGV[2] reason, ARGV[3] code, ARGV[4] by (auto|operator)
-- Returns 1 when set, 0 when an operator's pause was kept.
if ARGV[4] == 'auto' and redis.call('HGET', KEYS[1], 'by') == 'operator' then return 0 end
redis.call('HSETNX', KEYS[1], 'since', ARGV[1])
redis.call('HSET', KEYS[1], 'reason', ARGV[2], 'code', ARGV[3], 'by', ARGV[4])
return 1
