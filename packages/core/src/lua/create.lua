-- Creates one or more generations at once, all or none, honouring idempotency keys and the
-- tenants' budgets, and puts each into its tenant's queue for the gate (grant.lua). With a batch
-- id the generations are a batch's members: the batch's record, member list and counts are
-- written in the same step (and the batch's own idempotency key is checked first).
-- KEYS[1] the deadline index (sorted set: id → deadline ms); KEYS[2] the batch hash, KEYS[3] its
-- idempotency key, KEYS[4] its member list, KEYS[5] its input (all KEYS[1] again when no batch);
-- then per generation i: KEYS[3i+3] its record, KEYS[3i+4] its idempotency key (the record key
-- again if none), KEYS[3i+5] its input key
-- ARGV[1] now (ms), ARGV[2] idempotency TTL (s), ARGV[3] record key prefix ('<prefix>:gen:'),
-- ARGV[4] deadline (ms after now; 0 = none), ARGV[5] key prefix ('<prefix>:'),
-- ARGV[6] start of the UTC day (ms), ARGV[7] start of the UTC month (ms),
-- ARGV[8] batch id ('' = none), ARGV[9] batch has key (1|0), ARGV[10] batch fingerprint,
-- ARGV[11] batch input JSON, ARGV[12] batch wants batch.completed (1|0), ARGV[13] batch tenant,
-- ARGV[14] how long (ms) the batch index keeps a batch (entries older are dropped as batches come)
-- then 8 values per generation: id, has key (1|0), fingerprint, input JSON (request and options),
-- the events its webhook wants (letters; '' = none), tenant, priority (0 = none), estimated
-- cost (µUSD)
-- Returns {id, created (1|0), state} per generation, flattened; {'CONFLICT', i, id} when key i
-- already names a generation made from a different request (i = 0: the batch's key, another
-- batch); {'BATCH', id} when the batch's key names a batch made from this same request;
-- {'TAKEN', i, id} when a batch member's key names an existing generation (a member must be
-- new); {'BUDGET', tenant, limit, spent, reserved, requested} (µUSD) when the new generations
-- would take a tenant over its budget. Nothing is written when it refuses.
--#include tenant-gate
local G = 14
local P = 8
local K = 5
local n = (#KEYS - K) / 3
local now, ttl, recPrefix, deadline = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local prefix = ARGV[5]
local starts = {day = tonumber(ARGV[6]), month = tonumber(ARGV[7])}
local deadlines = KEYS[1]
local batch = ARGV[8]
if batch ~= '' and ARGV[9] == '1' then
  local v = redis.call('GET', KEYS[3])
  if v then
    local sep = string.find(v, '|', 1, true)
    local id, fp = string.sub(v, 1, sep - 1), string.sub(v, sep + 1)
    if fp ~= ARGV[10] then return {'CONFLICT', '0', id} end
    -- The key may have outlived its batch (retention shorter than its TTL): start afresh.
    if redis.call('EXISTS', prefix .. 'batch:' .. id) == 1 then return {'BATCH', id} end
  end
end
local resolved = {}
local states = {}
local batchKeys = {}
-- First pass reads only (a new budget period aside), so a refusal leaves Redis as it was.
for i = 1, n do
  local b = G + (i - 1) * P
  if ARGV[b + 2] == '1' then
    local key = KEYS[K + 3 * i - 1]
    local v = batchKeys[key] or redis.call('GET', key)
    if v then
      local sep = string.find(v, '|', 1, true)
      local id, fp = string.sub(v, 1, sep - 1), string.sub(v, sep + 1)
      -- The key may have outlived its record (retention shorter than its TTL): start afresh.
      local state = batchKeys[key] and 'queued' or redis.call('HGET', recPrefix .. id, 's')
      -- A batch's members are all new: a key naming a generation (or an earlier item) is refused.
      if state and batch ~= '' then return {'TAKEN', tostring(i), id} end
      if fp ~= ARGV[b + 3] then return {'CONFLICT', tostring(i), id} end
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
local members = {}
local estimates = 0
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
    if batch ~= '' then table.insert(fields, 'b'); table.insert(fields, batch) end
    redis.call('HSET', KEYS[K + 3 * i - 2], unpack(fields))
    redis.call('SET', KEYS[K + 3 * i], ARGV[b + 4])
    if ARGV[b + 2] == '1' then
      redis.call('SET', KEYS[K + 3 * i - 1], id .. '|' .. ARGV[b + 3], 'EX', ttl)
    end
    table.insert(members, id)
    estimates = estimates + estimate
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
if batch ~= '' then
  -- The batch's counts start with every member queued; move.lua moves them with each member.
  redis.call('HSET', KEYS[2], 'tn', ARGV[13], 'c', now, 'st', 'in_progress', 'tot', #members,
    'queued', #members, 'ce', estimates, 'ca', 0, 'rd', 0, 'w', ARGV[12])
  redis.call('SET', KEYS[5], ARGV[11])
  -- RPUSH in slices: Lua's unpack has a stack limit of a few thousand values.
  for s = 1, #members, 1000 do
    redis.call('RPUSH', KEYS[4], unpack(members, s, math.min(s + 999, #members)))
  end
  if ARGV[9] == '1' then redis.call('SET', KEYS[3], batch .. '|' .. ARGV[10], 'EX', ttl) end
  redis.call('ZADD', prefix .. 'batches', now, batch)
  redis.call('ZREMRANGEBYSCORE', prefix .. 'batches', '-inf', tonumber(now) - tonumber(ARGV[14]))
end
return out
