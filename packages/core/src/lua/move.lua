-- One move of a generation's lifecycle (packages/core/src/lifecycle/transitions.ts says which
-- moves exist): a compare-and-set on its status record, so a stale, duplicate or recovered job
-- can never move a generation backwards or twice, with the move's side effects in the same step.
-- KEYS[1] record hash, KEYS[2] its delivery-attempt list, KEYS[3] the deadline index,
-- KEYS[4] its input (expires and persists with the record), KEYS[5] the in-flight slot set
-- ARGV[1] new state ('' keeps the state: a guarded patch)
-- ARGV[2] now (ms)
-- ARGV[3] allowed current states, comma-separated ('' = any)
-- ARGV[4] retention (s): applied to the record's keys when the new state is terminal; a move out of a
--         terminal state (an operator's resume) removes the expiry again
-- ARGV[5] guard field ('' = none) and ARGV[6] the value it must hold ('' = absent)
-- ARGV[7] fields to delete, comma-separated
-- ARGV[8] field to increment by one ('' = none)
-- ARGV[9] channel to publish '<id> <state> <now>' on when the state changes ('' = none)
-- ARGV[10] generation id
-- ARGV[11] deadline (ms after now) with which the generation joins the deadline index when the
--          move takes it out of a terminal state ('' or 0 = none)
-- ARGV[12] upstream slot: '' (untouched), 'release', or the MAX_IN_FLIGHT limit to take one under
--          (a generation that holds a slot keeps it; 0 = no limit, nothing kept)
-- ARGV[13] key prefix ('<prefix>:', for the tenant gate's keys), ARGV[14] start of the UTC day
--          and ARGV[15] of the UTC month (ms: the budget periods)
-- ARGV[16..] field, value pairs to set
-- Returns {1, previous state} on success ({1, previous state, batch id, round} when the move
-- ended the last active member of a batch: the batch finished, its results are due); {0, current state} when the state is not allowed;
-- {2, current state, guard value} when the guard does not hold; {3, current state} when every
-- slot is taken; {-1, ''} when there is no record.
-- Tenant counters move here too: a slot taken or given back moves the tenant's in-flight set,
-- leaving `queued` leaves the tenant's queue, and an ending settles its cost against the budget.
-- So do a batch member's: its batch's counts move with its state (and its cost with the
-- settlement); the move that ends the last active member finishes the batch (state, round,
-- `batches:finishing` for the results file and batch.completed), one that resumes a member of a
-- finished batch takes it back to in_progress.
-- One read and one HSET for everything: every command here is one more in Redis' work per stage.
--#include tenant-gate
local read = {'s', 'c', 'tl', 'tn', 'ce', 'tk', 'uc', 'ca', 'b'}
if ARGV[5] ~= '' then table.insert(read, ARGV[5]) end
local h = redis.call('HMGET', KEYS[1], unpack(read))
local cur = h[1]
local prefix, id = ARGV[13], ARGV[10]
local tenant = h[4] or 'default'
local tk = tenantKey(prefix, tenant)
local estimate = tonumber(h[5] or '0') or 0
local batch = h[9]
local finished
if not cur then return {-1, ''} end
if ARGV[3] ~= '' and not string.find(',' .. ARGV[3] .. ',', ',' .. cur .. ',', 1, true) then
  return {0, cur}
end
if ARGV[5] ~= '' then
  local g = h[10] or ''
  if g ~= ARGV[6] then return {2, cur, g} end
end
local slot = ARGV[12]
if slot ~= '' and slot ~= 'release' then
  local limit = tonumber(slot)
  if limit > 0 and not redis.call('ZSCORE', KEYS[5], ARGV[10]) then
    if redis.call('ZCARD', KEYS[5]) >= limit then return {3, cur} end
    redis.call('ZADD', KEYS[5], ARGV[2], id)
    redis.call('ZADD', tk .. ':inflight', ARGV[2], id)
  end
elseif slot == 'release' then
  redis.call('ZREM', KEYS[5], id)
  if redis.call('ZREM', tk .. ':inflight', id) == 1 then tenantActivate(prefix, tenant) end
end
local set = {'u', ARGV[2]}
local moves = ARGV[1] ~= '' and ARGV[1] ~= cur
if moves then
  -- Times in the timeline are ms after creation: short values keep the hash compact.
  local at = tonumber(ARGV[2]) - (tonumber(h[2]) or tonumber(ARGV[2]))
  table.insert(set, 's'); table.insert(set, ARGV[1])
  table.insert(set, 'tl'); table.insert(set, (h[3] or '') .. '|' .. ARGV[1] .. '@' .. at)
end
local terminal = {succeeded = true, failed = true, canceled = true}
local settled

-- A member moved from `from` to `to` (its cost settled by `delta` µUSD, or nil): the batch's
-- counts follow. Returns the batch's round when this move finished it.
local function moveBatch(b, from, to, delta)
  local bk = prefix .. 'batch:' .. b
  if redis.call('EXISTS', bk) == 0 then return nil end
  redis.call('HINCRBY', bk, from, -1)
  redis.call('HINCRBY', bk, to, 1)
  if delta and delta ~= 0 then redis.call('HINCRBY', bk, 'ca', delta) end
  local ttl = ARGV[4]
  local parts = {bk, bk .. ':m', bk .. ':in', bk .. ':dlv'}
  if terminal[to] and not terminal[from] then
    local c = redis.call('HMGET', bk, 'succeeded', 'failed', 'canceled', 'tot', 'cx', 'w')
    local done = (tonumber(c[1]) or 0) + (tonumber(c[2]) or 0) + (tonumber(c[3]) or 0)
    if done < tonumber(c[4]) then return nil end
    local round = redis.call('HINCRBY', bk, 'rd', 1)
    redis.call('HSET', bk, 'st', c[5] == '1' and 'canceled' or 'completed', 'fin', ARGV[2])
    if c[6] == '1' then redis.call('HSET', bk, 'd', 'pending') end
    redis.call('ZADD', prefix .. 'batches:finishing', ARGV[2], b)
    -- A finished batch is kept as long as a finished generation.
    for _, k in ipairs(parts) do redis.call('EXPIRE', k, ttl) end
    return round
  elseif terminal[from] and not terminal[to] then
    -- An operator resumed a member: the batch is in progress again (a new round when it ends).
    if redis.call('HGET', bk, 'st') ~= 'in_progress' then
      redis.call('HSET', bk, 'st', 'in_progress')
      redis.call('HDEL', bk, 'fin', 'd')
      redis.call('ZREM', prefix .. 'batches:finishing', b)
      for _, k in ipairs(parts) do redis.call('PERSIST', k) end
    end
  end
  return nil
end
if moves and terminal[ARGV[1]] then
  -- Settle: the reservation goes; the cost is the upstream's report, else the estimate for a
  -- video made (or a canceled task, which runs on upstream), nothing for a failure.
  local reported, hasTask = tonumber(h[7] or ''), h[6] ~= false
  local actual = 0
  if ARGV[1] == 'succeeded' then actual = reported or estimate
  elseif ARGV[1] == 'canceled' and hasTask then actual = reported or estimate
  elseif hasTask then actual = reported or 0 end
  settled = actual
  table.insert(set, 'ca'); table.insert(set, actual)
end
for i = 16, #ARGV do table.insert(set, ARGV[i]) end
redis.call('HSET', KEYS[1], unpack(set))
if ARGV[7] ~= '' then
  local del = {}
  for f in string.gmatch(ARGV[7], '[^,]+') do table.insert(del, f) end
  redis.call('HDEL', KEYS[1], unpack(del))
end
if ARGV[8] ~= '' then redis.call('HINCRBY', KEYS[1], ARGV[8], 1) end
if moves then
  if cur == 'queued' then
    redis.call('ZREM', tk .. ':queue', id)
    redis.call('ZREM', prefix .. 'tenants:granted', id)
  end
  if settled then
    if estimate > 0 then redis.call('HINCRBY', tk, 'rsv', -estimate) end
    -- A generation ended before (then resumed by an operator) was charged then: only the difference.
    local delta = settled - (tonumber(h[8] or '0') or 0)
    if delta ~= 0 then
      tenantSpent(tk, {day = tonumber(ARGV[14]), month = tonumber(ARGV[15])})
      redis.call('HINCRBY', tk, 'spent', delta)
      redis.call('HINCRBY', tk, 'spentAll', delta)
    end
  elseif terminal[cur] and estimate > 0 then
    redis.call('HINCRBY', tk, 'rsv', estimate)
  end
  if batch then finished = moveBatch(batch, cur, ARGV[1], settled and (settled - (tonumber(h[8] or '0') or 0))) end
  if ARGV[9] ~= '' then
    local msg = ARGV[10] .. ' ' .. ARGV[1] .. ' ' .. ARGV[2]
    if batch then msg = msg .. ' ' .. batch end
    redis.call('PUBLISH', ARGV[9], msg)
  end
  if terminal[ARGV[1]] then
    redis.call('EXPIRE', KEYS[1], ARGV[4]); redis.call('EXPIRE', KEYS[2], ARGV[4])
    redis.call('EXPIRE', KEYS[4], ARGV[4])
    redis.call('ZREM', KEYS[3], ARGV[10])
  elseif terminal[cur] then
    redis.call('PERSIST', KEYS[1]); redis.call('PERSIST', KEYS[2]); redis.call('PERSIST', KEYS[4])
    local deadline = tonumber(ARGV[11]) or 0
    if deadline > 0 then redis.call('ZADD', KEYS[3], tonumber(ARGV[2]) + deadline, ARGV[10]) end
  end
end
if finished then return {1, cur, batch, finished} end
return {1, cur}
