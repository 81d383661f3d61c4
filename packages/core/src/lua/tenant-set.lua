-- Changes a tenant's settings (setTenant) and its place at the gate in one step: pausing or
-- capping it takes it out of the ready set, resuming or raising its cap puts it back.
-- ARGV[1] key prefix ('<prefix>:'), ARGV[2] tenant, then field/value pairs: w, mif, bl, bp, pz;
-- an empty value deletes the field (no own cap, no budget, not paused).
--#include tenant-gate
local prefix, t = ARGV[1], ARGV[2]
local tk = tenantKey(prefix, t)
for i = 3, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', tk, ARGV[i]) else redis.call('HSET', tk, ARGV[i], ARGV[i + 1]) end
end
redis.call('SADD', prefix .. 'tenants', t)
redis.call('ZREM', prefix .. 'tenants:ready', t)
tenantActivate(prefix, t)
return 1
