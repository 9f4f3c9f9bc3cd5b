import { VERSION_KEYS as K } from "./keys.js";

/**
 * Lua scripts of the Redis feature store. Each runs atomically and in one round trip. Scripts that
 * read the live version resolve the pointer themselves, so a request sees one version even while a
 * publish happens. Version keys are derived inside the scripts from the prefix in ARGV and the
 * suffixes in keys.ts (all keys of a namespace share one cluster hash tag, see keys.ts).
 */

/** KEYS: versions, meta, items, parts. ARGV: version, now, info JSON, user kind list, item ids JSON, parts…
 *  Returns the stored info JSON (existing or new). */
export const BEGIN = `
local info = redis.call('HGET', KEYS[2], 'info')
if info then
  if #ARGV > 5 then redis.call('SADD', KEYS[4], unpack(ARGV, 6)) end
  return info
end
redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], 'info', ARGV[3], 'userKinds', ARGV[4], 'status', 'writing')
redis.call('SET', KEYS[3], ARGV[5])
if #ARGV > 5 then redis.call('SADD', KEYS[4], unpack(ARGV, 6)) end
return ARGV[3]
`;

/** KEYS: live, versions, retired, meta, parts, done, erased.
 *  ARGV: version, now, this version's key prefix, the versions prefix ("{ns}:v:").
 *  Flips the pointer if the version is registered and complete; strips erased users first. */
export const PUBLISH = `
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) or redis.call('EXISTS', KEYS[4]) == 0 then
  return redis.error_reply('NOT_FOUND version ' .. ARGV[1])
end
local missing = redis.call('SDIFF', KEYS[5], KEYS[6])
if #missing > 0 then
  table.sort(missing)
  return redis.error_reply('INCOMPLETE ' .. table.concat(missing, ','))
end
local old = redis.call('GET', KEYS[1])
if old == ARGV[1] then return {old, 0} end
local p = ARGV[3]
local hashes = {p .. ':${K.candidates}', p .. ':${K.scalars}'}
local kinds = redis.call('HGET', KEYS[4], 'userKinds')
if kinds then for kind in string.gmatch(kinds, '[^,]+') do hashes[#hashes + 1] = p .. ':${K.userVectors}:' .. kind end end
for _, user in ipairs(redis.call('SMEMBERS', KEYS[7])) do
  for _, h in ipairs(hashes) do redis.call('HDEL', h, user) end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[4], 'status', 'live', 'publishedAt', ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[1])
if old then
  redis.call('ZADD', KEYS[3], ARGV[2], old)
  redis.call('HSET', ARGV[4] .. old .. ':${K.meta}', 'status', 'retired')
  return {old, 1}
end
return {false, 1}
`;

/** KEYS: live. ARGV: versions prefix ("{ns}:v:"), user id, version the caller has cached.
 *  Returns {version, info|nil, items|nil, cand, scalars, kind1, vec1, kind2, vec2, …}; info and
 *  items only when the live version differs from the caller's. */
export const READ_USER = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
local p = ARGV[1] .. v
local out = {v, false, false, redis.call('HGET', p .. ':${K.candidates}', ARGV[2]), redis.call('HGET', p .. ':${K.scalars}', ARGV[2])}
if v ~= ARGV[3] then
  out[2] = redis.call('HGET', p .. ':${K.meta}', 'info')
  out[3] = redis.call('GET', p .. ':${K.items}')
end
local kinds = redis.call('HGET', p .. ':${K.meta}', 'userKinds')
if kinds then
  for kind in string.gmatch(kinds, '[^,]+') do
    out[#out + 1] = kind
    out[#out + 1] = redis.call('HGET', p .. ':${K.userVectors}:' .. kind, ARGV[2])
  end
end
return out
`;

/** KEYS: live. ARGV: versions prefix ("{ns}:v:"), user id, version to read ("" = live), user vector kinds…
 *  Returns {version, live, cand, scalars, vector per kind…}, or false when nothing is live or the asked
 *  version is gone. The request path's lean read: no catalogue, no unasked vectors. */
export const READ_USER_ROW = `
local live = redis.call('GET', KEYS[1])
if not live then return false end
local v = ARGV[3]
if v == '' then v = live end
local p = ARGV[1] .. v
if v ~= live and redis.call('EXISTS', p .. ':${K.meta}') == 0 then return false end
local out = {v, live, redis.call('HGET', p .. ':${K.candidates}', ARGV[2]), redis.call('HGET', p .. ':${K.scalars}', ARGV[2])}
for i = 4, #ARGV do out[#out + 1] = redis.call('HGET', p .. ':${K.userVectors}:' .. ARGV[i], ARGV[2]) end
return out
`;

/** KEYS: live. ARGV: versions prefix, kind, cached version, item ids…
 *  Returns {version, info|nil, items|nil, vector per id (nil if absent)…}. */
export const READ_ITEMS = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
local p = ARGV[1] .. v
local out = {v, false, false}
if v ~= ARGV[3] then
  out[2] = redis.call('HGET', p .. ':${K.meta}', 'info')
  out[3] = redis.call('GET', p .. ':${K.items}')
end
local key = p .. ':${K.itemVectors}:' .. ARGV[2]
local n = #ARGV
local i = 4
while i <= n do
  local j = math.min(i + 999, n)
  local got = redis.call('HMGET', key, unpack(ARGV, i, j))
  for k = 1, j - i + 1 do out[#out + 1] = got[k] end
  i = j + 1
end
return out
`;

/** KEYS: live. ARGV: versions prefix, cached version, key suffix to GET, or "<meta suffix>:<field>" to HGET.
 *  Returns {version, info|nil, items|nil, value|nil}. */
export const READ_ONE = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
local p = ARGV[1] .. v
local out = {v, false, false, false}
if v ~= ARGV[2] then
  out[2] = redis.call('HGET', p .. ':${K.meta}', 'info')
  out[3] = redis.call('GET', p .. ':${K.items}')
end
local field = string.match(ARGV[3], '^${K.meta}:(.*)$')
if field then out[4] = redis.call('HGET', p .. ':${K.meta}', field) else out[4] = redis.call('GET', p .. ':' .. ARGV[3]) end
return out
`;

/** KEYS: live, erased. ARGV: expected version, versions prefix, user id, then (hash suffix, value) pairs.
 *  Writes only if the version is still live and the user is not erased. Returns the live version,
 *  or {err} style strings "MOVED <live>" / "ERASED". */
export const WRITE_LIVE_USER = `
local v = redis.call('GET', KEYS[1])
if v ~= ARGV[1] then return 'MOVED ' .. tostring(v) end
if redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 1 then return 'ERASED' end
local p = ARGV[2] .. v
for i = 4, #ARGV, 2 do redis.call('HSET', p .. ':' .. ARGV[i], ARGV[3], ARGV[i + 1]) end
return 'OK ' .. v
`;

/** KEYS: versions, erased, event users, the user's event stream, the user's update generation.
 *  ARGV: versions prefix, user id. Removes the user from every version and records the erasure. */
export const DELETE_USER = `
for _, v in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local p = ARGV[1] .. v
  redis.call('HDEL', p .. ':${K.candidates}', ARGV[2])
  redis.call('HDEL', p .. ':${K.scalars}', ARGV[2])
  local kinds = redis.call('HGET', p .. ':${K.meta}', 'userKinds')
  if kinds then
    for kind in string.gmatch(kinds, '[^,]+') do redis.call('HDEL', p .. ':${K.userVectors}:' .. kind, ARGV[2]) end
  end
end
redis.call('DEL', KEYS[4], KEYS[5])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[2])
return 1
`;

/** KEYS: live, versions, retired. ARGV: version. Unregisters a version unless it is live. */
export const UNREGISTER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
`;

/** KEYS: erased, event users, then per event: its user's stream, its event-id key (the stream again
 *  when the event has no id). ARGV: maxlen, event-id window ms, then per event: user, item, value,
 *  timestamp, kind, event id ("" = none), score (ms) for the event-users zset.
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
