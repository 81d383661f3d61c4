-- Repairs one tenant's counters from the records (`reelay tenant reconcile`): the chaos suite
-- finds none to repair, but a hand-edited or partly restored Redis may leave some.
-- - an id in its in-flight set whose record is not submitting, running or granted-queued gives
--   its slot back (the tenant's and the global one);
-- - an id in its queue whose record is not queued leaves the queue;
-- - its reservation becomes the sum of the estimates of its generations not yet ended (the
--   deadline index holds every one of them).
-- O(active generations): an operator's repair, not a hot path.
-- ARGV[1] key prefix ('<prefix>:'), ARGV[2] record key prefix ('<prefix>:gen:'), ARGV[3] tenant
-- Returns {slots freed, queue entries dropped, reservation change (µUSD)}.
--#include tenant-gate
local prefix, recPrefix, t = ARGV[1], ARGV[2], ARGV[3]
local tk = tenantKey(prefix, t)
local granted = prefix .. 'tenants:granted'
local freed, dropped = 0, 0
for _, id in ipairs(redis.call('ZRANGE', tk .. ':inflight', 0, -1)) do
  local s = redis.call('HGET', recPrefix .. id, 's')
  local held = s == 'submitting' or s == 'running' or (s == 'queued' and redis.call('ZSCORE', granted, id))
  if not held then
    redis.call('ZREM', tk .. ':inflight', id)
    redis.call('ZREM', prefix .. 'inflight', id)
    redis.call('ZREM', granted, id)
    freed = freed + 1
  end
end
for _, id in ipairs(redis.call('ZRANGE', tk .. ':queue', 0, -1)) do
  if redis.call('HGET', recPrefix .. id, 's') ~= 'queued' then
    redis.call('ZREM', tk .. ':queue', id)
    dropped = dropped + 1
  end
end
local reserved = 0
for _, id in ipairs(redis.call('ZRANGE', prefix .. 'deadlines', 0, -1)) do
  local h = redis.call('HMGET', recPrefix .. id, 's', 'tn', 'ce')
  if h[1] and (h[2] or 'default') == t then reserved = reserved + (tonumber(h[3] or '0') or 0) end
end
local was = tonumber(redis.call('HGET', tk, 'rsv') or '0') or 0
if was ~= reserved then redis.call('HSET', tk, 'rsv', reserved) end
redis.call('ZREM', prefix .. 'tenants:ready', t)
tenantActivate(prefix, t)
return {freed, dropped, reserved - was}
