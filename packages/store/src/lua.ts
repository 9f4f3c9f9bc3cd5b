/**
 * Lua scripts of the Redis feature store. Each runs atomically, in one round trip, and touches only
 * the keys it is given in KEYS[] — all in one hash tag, so on a cluster each runs on one node (see
 * keys.ts for the layout). Work spanning slots is a sequence of these single-slot steps.
 */

/** Version slot. KEYS: meta, items, parts. ARGV: info JSON, user kind list, item ids JSON, shards, parts…
 *  Returns {stored info JSON (existing or new), stored shard count}. */
export const BEGIN = `
local info = redis.call('HGET', KEYS[1], 'info')
if not info then
  redis.call('HSET', KEYS[1], 'info', ARGV[1], 'userKinds', ARGV[2], 'shards', ARGV[4], 'status', 'writing')
  redis.call('SET', KEYS[2], ARGV[3])
  info = ARGV[1]
end
if #ARGV > 4 then redis.call('SADD', KEYS[3], unpack(ARGV, 5)) end
return {info, redis.call('HGET', KEYS[1], 'shards')}
`;

/** Version slot. KEYS: meta, parts, done, sealed. ARGV: version, shards that must be sealed ("" = skip).
 *  Errors NOT_FOUND (no such version), INCOMPLETE <parts> or UNSEALED <count>; else returns 1. */
export const READY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOT_FOUND version ' .. ARGV[1]) end
local missing = redis.call('SDIFF', KEYS[2], KEYS[3])
if #missing > 0 then
  table.sort(missing)
  return redis.error_reply('INCOMPLETE ' .. table.concat(missing, ','))
end
if ARGV[2] ~= '' and redis.call('SCARD', KEYS[4]) < tonumber(ARGV[2]) then
  return redis.error_reply('UNSEALED ' .. redis.call('SCARD', KEYS[4]))
end
return 1
`;

/** One shard. KEYS: erased, seal, then the shard's user hashes of the version. Strips erased users
 *  from this shard's part of the version and marks it complete (readable). Returns 1. */
export const SEAL = `
for _, user in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  for i = 3, #KEYS do redis.call('HDEL', KEYS[i], user) end
end
redis.call('SET', KEYS[2], '1')
return 1
`;

/** Control slot. KEYS: live, versions, retired. ARGV: version, now.
 *  Flips the one pointer (the last step of a publish). Returns {previous live, 1} or {version, 0}. */
export const FLIP = `
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return redis.error_reply('NOT_FOUND version ' .. ARGV[1]) end
local old = redis.call('GET', KEYS[1])
if old == ARGV[1] then return {old, 0} end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if old then
  redis.call('ZADD', KEYS[3], ARGV[2], old)
  return {old, 1}
end
return {false, 1}
`;

/** One shard. KEYS: seal, then the hashes to read (candidates, scalars, vector kinds…). ARGV: user.
 *  Returns false when the shard holds no complete part of that version, else the fields in KEYS order. */
export const READ_ROW = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local out = {}
for i = 2, #KEYS do out[i - 1] = redis.call('HGET', KEYS[i], ARGV[1]) end
return out
`;

/** One shard. KEYS: seal, erased, then the hashes to write. ARGV: user, then one value per hash.
 *  Writes only into a complete version and for a user not erased: "OK", "GONE" or "ERASED". */
export const WRITE_USER = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'GONE' end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 'ERASED' end
for i = 3, #KEYS do redis.call('HSET', KEYS[i], ARGV[1], ARGV[i - 1]) end
return 'OK'
`;

/** One shard. KEYS: erased, event users, the user's event stream, update generation, then the
 *  shard's user hashes of every version. ARGV: user. Removes the user and records the erasure. */
export const DELETE_USER = `
for i = 5, #KEYS do redis.call('HDEL', KEYS[i], ARGV[1]) end
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[1], ARGV[1])
return 1
`;

/** Control slot. KEYS: live, versions, retired. ARGV: version. Unregisters a version unless it is live. */
export const UNREGISTER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
`;

/** One shard. KEYS: erased, event users, then per event: its user's stream, its event-id key (the
 *  stream again when the event has no id). ARGV: maxlen, event-id window ms, then per event: user,
 *  item, value, timestamp, kind, event id ("" = none), score (ms) for the event-users zset.
 *  All or nothing: refuses the whole batch when any user is erased ({"ERASED", users…}); otherwise
 *  returns per event "N<stream id>" (stored) or "D<stream id>" (an earlier write with the same id). */
export const APPEND_EVENTS = `
local n = (#KEYS - 2) / 2
local erased, seen = {}, {}
for i = 1, n do
  local user = ARGV[3 + (i - 1) * 7]
  if not seen[user] then
    seen[user] = true
    if redis.call('SISMEMBER', KEYS[1], user) == 1 then erased[#erased + 1] = user end
  end
end
if #erased > 0 then return {'ERASED', unpack(erased)} end
local out = {}
for i = 1, n do
  local a = 2 + (i - 1) * 7
  local eid = ARGV[a + 6]
  local existing = false
  if eid ~= '' then existing = redis.call('GET', KEYS[2 + 2 * i]) end
  if existing then
    out[i] = 'D' .. existing
  else
    local fields = {'item', ARGV[a + 2], 'value', ARGV[a + 3], 'timestamp', ARGV[a + 4], 'kind', ARGV[a + 5]}
    if eid ~= '' then fields[9] = 'eventId'; fields[10] = eid end
    local id = redis.call('XADD', KEYS[1 + 2 * i], 'MAXLEN', '~', ARGV[1], '*', unpack(fields))
    if eid ~= '' then redis.call('SET', KEYS[2 + 2 * i], id, 'PX', ARGV[2]) end
    redis.call('ZADD', KEYS[2], 'GT', ARGV[a + 7], ARGV[a + 1])
    out[i] = 'N' .. id
  end
end
return out
`;
