-- The tenant gate's shared rules, included (lua-script.ts: `--#include tenant-gate`) by the
-- scripts that move tenant counters: create, move, grant and tenant-set. Keys, under the prefix:
--   tenant:<t>           hash: settings (w weight, mif own cap, bl budget µUSD, bp period,
--                        pz paused) and usage (rsv reserved µUSD, spent µUSD in the period
--                        starting at ps, spentAll µUSD ever, pass, seq)
--   tenant:<t>:queue     sorted set: its queued generations, priority then FIFO
--   tenant:<t>:inflight  sorted set: its generations holding an upstream slot
--   tenants              set: every tenant ever named
--   tenants:ready        sorted set: tenants that may be granted a slot now, by stride pass
--   tenants:vt           the gate's virtual time: the pass of the latest grant
local function tenantKey(prefix, t) return prefix .. 'tenant:' .. t end

-- A tenant is ready when it has queued work, is not paused and is under its own cap. It joins
-- at the virtual time at the earliest, so a tenant that was idle gets no credit for it.
local function tenantActivate(prefix, t)
  local ready = prefix .. 'tenants:ready'
  if redis.call('ZSCORE', ready, t) then return end
  local tk = tenantKey(prefix, t)
  if redis.call('ZCARD', tk .. ':queue') == 0 then return end
  local s = redis.call('HMGET', tk, 'pz', 'mif', 'pass')
  if s[1] == '1' then return end
  if s[2] and redis.call('ZCARD', tk .. ':inflight') >= tonumber(s[2]) then return end
  local vt = tonumber(redis.call('GET', prefix .. 'tenants:vt') or '0') or 0
  redis.call('ZADD', ready, math.max(tonumber(s[3] or '0') or 0, vt), t)
end

-- The tenant's spent cost in the budget period that holds now; a new period starts from zero.
-- starts: {day = <ms>, month = <ms>} (UTC, computed by the caller); 'total' starts at 0.
local function tenantSpent(tk, starts)
  local s = redis.call('HMGET', tk, 'bp', 'ps', 'spent')
  local start = starts[s[1] or 'total'] or 0
  if (tonumber(s[2] or '0') or 0) ~= start then
    redis.call('HSET', tk, 'ps', start, 'spent', 0)
    return 0
  end
  return tonumber(s[3] or '0') or 0
end
