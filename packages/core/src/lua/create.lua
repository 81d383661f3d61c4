-- Creates one or more generations at once, all or none, honouring idempotency keys.
-- KEYS[3i-2] record of generation i; KEYS[3i-1] its idempotency key (the record key again if
-- none); KEYS[3i] its input key; the last KEY is the deadline index (sorted set: id → deadline ms)
-- ARGV[1] now (ms), ARGV[2] idempotency TTL (s), ARGV[3] record key prefix ('<prefix>:gen:'),
-- ARGV[4] deadline (ms after now; 0 = none)
-- then 5 values per generation: id, has key (1|0), fingerprint, input JSON (request and options),
-- the events its webhook wants (letters; '' = none)
-- Returns {id, created (1|0), state} per generation, flattened; or {'CONFLICT', i, id} when
-- key i already names a generation made from a different request (nothing is written then).
local n = (#KEYS - 1) / 3
local now, ttl, recPrefix, deadline = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local deadlines = KEYS[#KEYS]
local resolved = {}
local batchKeys = {}
-- First pass reads only, so a conflict anywhere leaves Redis untouched.
for i = 1, n do
  local b = 4 + (i - 1) * 5
  if ARGV[b + 2] == '1' then
    local key = KEYS[3 * i - 1]
    local v = batchKeys[key] or redis.call('GET', key)
    if v then
      local sep = string.find(v, '|', 1, true)
      local id, fp = string.sub(v, 1, sep - 1), string.sub(v, sep + 1)
      if fp ~= ARGV[b + 3] then return {'CONFLICT', tostring(i), id} end
      resolved[i] = id
    else
      batchKeys[key] = ARGV[b + 1] .. '|' .. ARGV[b + 3]
    end
  end
end
local out = {}
for i = 1, n do
  local b = 4 + (i - 1) * 5
  local id = resolved[i]
  if id then
    local state = redis.call('HGET', recPrefix .. id, 's')
    if state then
      table.insert(out, id); table.insert(out, '0'); table.insert(out, state)
    else
      -- The key outlived its record (retention shorter than the key's TTL): start afresh.
      resolved[i] = nil
    end
  end
  if not resolved[i] then
    id = ARGV[b + 1]
    -- Timeline times are ms after 'c', which keeps the hash's values short (see record-codec.ts).
    local fields = {'s', 'queued', 'c', now, 'u', now, 'tl', 'queued@0', 'pn', '0'}
    if ARGV[b + 5] ~= '' then table.insert(fields, 'w'); table.insert(fields, ARGV[b + 5]) end
    redis.call('HSET', KEYS[3 * i - 2], unpack(fields))
    redis.call('SET', KEYS[3 * i], ARGV[b + 4])
    if ARGV[b + 2] == '1' then
      redis.call('SET', KEYS[3 * i - 1], id .. '|' .. ARGV[b + 3], 'EX', ttl)
    end
    if deadline > 0 then redis.call('ZADD', deadlines, tonumber(now) + deadline, id) end
    table.insert(out, id); table.insert(out, '1'); table.insert(out, 'queued')
  end
end
return out
