-- The tenant gate: grants free upstream slots (MAX_IN_FLIGHT) to queued generations, tenant by
-- tenant in proportion to their weights (stride scheduling: the ready tenant with the lowest
-- pass goes next and its pass grows by STRIDE / weight), never over a tenant's own cap, never
-- to a paused tenant; within a tenant, priority then FIFO. Any process may run it (workers after
-- a slot frees and on a tick, the producer after an enqueue): it is one atomic step.
-- KEYS[1] tenants:ready, KEYS[2] the in-flight slot set, KEYS[3] tenants:granted (id → time
-- granted: the submit job still to be added; the sweeper re-adds a lost one), KEYS[4] tenants:vt
-- ARGV[1] key prefix ('<prefix>:'), ARGV[2] record key prefix ('<prefix>:gen:'), ARGV[3] now,
-- ARGV[4] MAX_IN_FLIGHT (0 = no limit), ARGV[5] the most grants to make in this call,
-- ARGV[6] GRANT_AHEAD: the most granted generations whose submit has not started yet (0 = no
--         bound). Only this many wait in the submit queue, so a rate limit (SUBMIT_RATE_PER_SEC)
--         spends its creates in the gate's fair order even when MAX_IN_FLIGHT is unlimited.
-- Returns the granted ids.
--#include tenant-gate
local STRIDE = 1000000
local prefix, recPrefix, now = ARGV[1], ARGV[2], ARGV[3]
local limit, max, ahead = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local out = {}
-- Each round either grants or removes a tenant or queue entry, so it ends.
while #out < max do
  if limit > 0 and redis.call('ZCARD', KEYS[2]) >= limit then break end
  if ahead > 0 and redis.call('ZCARD', KEYS[3]) >= ahead then break end
  local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if #top == 0 then break end
  local t, pass = top[1], tonumber(top[2])
  local tk = tenantKey(prefix, t)
  local head = redis.call('ZPOPMIN', tk .. ':queue')
  if #head == 0 then
    redis.call('ZREM', KEYS[1], t)
  else
    local id = head[1]
    -- A generation that left `queued` meanwhile (canceled, failed by the deadline sweeper)
    -- is simply dropped from the queue.
    if redis.call('HGET', recPrefix .. id, 's') == 'queued' and not redis.call('ZSCORE', KEYS[2], id) then
      redis.call('ZADD', KEYS[2], now, id)
      redis.call('ZADD', tk .. ':inflight', now, id)
      redis.call('ZADD', KEYS[3], now, id)
      table.insert(out, id)
      local s = redis.call('HMGET', tk, 'w', 'mif', 'pz')
      local nextPass = pass + STRIDE / (tonumber(s[1] or '1') or 1)
      redis.call('SET', KEYS[4], pass)
      redis.call('HSET', tk, 'pass', nextPass)
      local capped = s[2] and redis.call('ZCARD', tk .. ':inflight') >= tonumber(s[2])
      if s[3] == '1' or capped or redis.call('ZCARD', tk .. ':queue') == 0 then
        redis.call('ZREM', KEYS[1], t)
      else
        redis.call('ZADD', KEYS[1], nextPass, t)
      end
    end
  end
end
return out
