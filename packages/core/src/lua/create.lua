-- Creates one or more generations at once, all or none, honouring idempotency keys and the
-- tenants' budgets, and puts each into its tenant's queue for the gate (grant.lua).
-- KEYS[3i-2] record of generation i; KEYS[3i-1] its idempotency key (the record key again if
-- none); KEYS[3i] its input key; the last KEY is the deadline index (sorted set: id → deadline ms)
-- ARGV[1] now (ms), ARGV[2] idempotency TTL (s), ARGV[3] record key prefix ('<prefix>:gen:'),
-- ARGV[4] deadline (ms after now; 0 = none), ARGV[5] key prefix ('<prefix>:'),
-- ARGV[6] start of the UTC day (ms), ARGV[7] start of the UTC month (ms)
-- then 8 values per generation: id, has key (1|0), fingerprint, input JSON (request and options),
-- the events its webhook wants (letters; '' = none), tenant, priority (0 = none), estimated
-- cost (µUSD)
-- Returns {id, created (1|0), state} per generation, flattened; {'CONFLICT', i, id} when key i
-- already names a generation made from a different request; {'BUDGET', tenant, limit, spent,
-- reserved, requested} (µUSD) when the new generations would take a tenant over its budget.
-- Nothing is written when it refuses.
--#include tenant-gate
local G = 7
local P = 8
local n = (#KEYS - 1) / 3
local now, ttl, recPrefix, deadline = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local prefix = ARGV[5]
local starts = {day = tonumber(ARGV[6]), month = tonumber(ARGV[7])}
local deadlines = KEYS[#KEYS]
local resolved = {}
local states = {}
local batchKeys = {}
-- First pass reads only (a new budget period aside), so a refusal leaves Redis as it was.
for i = 1, n do
  local b = G + (i - 1) * P
  if ARGV[b + 2] == '1' then
    local key = KEYS[3 * i - 1]
    local v = batchKeys[key] or redis.call('GET', key)
    if v then
      local sep = string.find(v, '|', 1, true)
      local id, fp = string.sub(v, 1, sep - 1), string.sub(v, sep + 1)
      if fp ~= ARGV[b + 3] then return {'CONFLICT', tostring(i), id} end
      -- The key may have outlived its record (retention shorter than its TTL): start afresh.
      local state = batchKeys[key] and 'queued' or redis.call('HGET', recPrefix .. id, 's')
      if state then resolved[i] = id; states[i] = state end
    end
    if not resolved[i] then batchKeys[key] = ARGV[b + 1] .. '|' .. ARGV[b + 3] end
  end
end
local asked, order = {}, {}
for i = 1, n do
  local b = G + (i - 1) * P
  if not resolved[i] then
    local t = ARGV[b + 6]
    if not asked[t] then asked[t] = 0; table.insert(order, t) end
    asked[t] = asked[t] + tonumber(ARGV[b + 8])
  end
end
for _, t in ipairs(order) do
  local tk = tenantKey(prefix, t)
  local limit = redis.call('HGET', tk, 'bl')
  if limit then
    local spent = tenantSpent(tk, starts)
    local reserved = tonumber(redis.call('HGET', tk, 'rsv') or '0') or 0
    if spent + reserved + asked[t] > tonumber(limit) then
      return {'BUDGET', t, limit, tostring(spent), tostring(reserved), tostring(asked[t])}
    end
  end
end
local out = {}
for i = 1, n do
  local b = G + (i - 1) * P
  local id = resolved[i]
  if id then
    table.insert(out, id); table.insert(out, '0'); table.insert(out, states[i])
  else
    id = ARGV[b + 1]
    local t, estimate = ARGV[b + 6], tonumber(ARGV[b + 8])
    local tk = tenantKey(prefix, t)
    -- Timeline times are ms after 'c', which keeps the hash's values short (see record-codec.ts).
    local fields = {'s', 'queued', 'c', now, 'u', now, 'tl', 'queued@0', 'pn', '0', 'tn', t, 'ce', estimate}
    if ARGV[b + 5] ~= '' then table.insert(fields, 'w'); table.insert(fields, ARGV[b + 5]) end
    redis.call('HSET', KEYS[3 * i - 2], unpack(fields))
    redis.call('SET', KEYS[3 * i], ARGV[b + 4])
    if ARGV[b + 2] == '1' then
      redis.call('SET', KEYS[3 * i - 1], id .. '|' .. ARGV[b + 3], 'EX', ttl)
    end
    if deadline > 0 then redis.call('ZADD', deadlines, tonumber(now) + deadline, id) end
    -- Priority first (0 = none, served first, as BullMQ does), then the order of enqueue.
    local seq = redis.call('HINCRBY', tk, 'seq', 1) % 1000000000
    redis.call('ZADD', tk .. ':queue', tonumber(ARGV[b + 7]) * 1000000000 + seq, id)
    if estimate > 0 then redis.call('HINCRBY', tk, 'rsv', estimate) end
    redis.call('SADD', prefix .. 'tenants', t)
    tenantActivate(prefix, t)
    table.insert(out, id); table.insert(out, '1'); table.insert(out, 'queued')
  end
end
return out
