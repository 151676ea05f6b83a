/**
 * The Lua scripts of the Redis-protocol stores, as constants with their SHA1
 * (checked by test/stores/scripts.test.ts against `node:crypto` and against
 * `SCRIPT LOAD` on a real redis-server). Every script declares all the keys it
 * touches, and those keys share one Redis Cluster slot.
 */

export interface LuaScript {
  readonly script: string;
  readonly sha1: string;
  /** Writes nothing: a client may send it as EVALSHA_RO (Upstash then batches it with the reads of its tick). */
  readonly readOnly?: boolean;
}

/** Deletes KEYS[1] only if its value is ARGV[1]; returns 1 when it deleted, else 0. */
export const COMPARE_AND_DELETE: LuaScript = {
  script: "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
  sha1: '2e47b373b4dbd63ee966d2eb9fe24ed6a138ad4e',
};

/**
 * SET NX with a PX TTL, atomically telling who holds the key: `{1}` when it was
 * set (KEYS[1] = ARGV[1] for ARGV[2] ms), else `{0, <the value there>}`.
 */
export const SET_IF_ABSENT: LuaScript = {
  script: `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1} end
return {0, redis.call('GET', KEYS[1])}`,
  sha1: 'cca4f4dea267229edf0e7d1fe8116766fe9293fb',
};

// The journal's meta key holds "<floor id> <covered since> <genesis id>" ('-' = none): the
// newest trimmed entry, the time from which the journal is complete, and the first entry of
// this incarnation of the stream (a reader holding an older cursor lost the one before).
const META = `local function meta(key)
  local floor, covered, genesis = string.match(redis.call('GET', key) or '', '^(%S+) (%S+) (%S+)$')
  return floor or '-', covered or '0', genesis or '-'
end
`;

const CLOCK = `local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * Records an invalidation of tags, atomically: merges each tag's record (the same
 * rules as `mergeTagRecord` in tag-record.ts), sets it with a PX TTL, appends
 * `(tag, record)` to the journal stream (`XADD *`: ids ordered by the store's
 * clock), trims the journal by age and by length, and keeps the meta key.
 *
 * KEYS: journal, journal meta, then one record key per tag.
 * ARGV: expireInMs ('' = never), recordTtlMs, journalMaxLength, journalRetentionMs,
 * now in ms ('' = the server's TIME; tests pass one to cross-check the merge), then the tags.
 * Returns `{id1, record1, id2, record2, ...}`, records as JSON.
 *
 * Records are written by hand, with 17 significant digits: cjson encodes numbers
 * with 14, which would round times far in the future.
 */
export const INVALIDATE: LuaScript = {
  script: `${META}${CLOCK}local function finite(x) return type(x) == 'number' and x == x and x > -math.huge and x < math.huge end
local function decode(text)
  if not text then return nil end
  local ok, r = pcall(cjson.decode, text)
  if not ok or type(r) ~= 'table' or not finite(r.at) then return nil end
  if (r.expireAt ~= nil and not finite(r.expireAt)) or (r.hardAt ~= nil and not finite(r.hardAt)) then return nil end
  return r
end
local function union(a, b, now)
  local rs, at, hard = {a, b}, -math.huge, -math.huge
  for i = 1, 2 do
    local r = rs[i]
    if r then
      at = math.max(at, r.at)
      if r.hardAt then hard = math.max(hard, r.hardAt) end
      if r.expireAt and r.expireAt <= now then hard = math.max(hard, r.at) end
    end
  end
  local expiry, pending = math.huge, false
  for i = 1, 2 do
    local r = rs[i]
    if r and r.at > hard and not (r.expireAt and r.expireAt <= now) then
      pending = true
      expiry = math.min(expiry, r.expireAt or math.huge)
    end
  end
  if not pending or hard >= at or expiry <= at then return {at = at, expireAt = at} end
  local out = {at = at}
  if expiry < math.huge then out.expireAt = expiry end
  if hard > -math.huge then out.hardAt = hard end
  return out
end
local function fmt(n) return string.format('%.17g', n) end
local function encode(r)
  local s = '{"at":' .. fmt(r.at)
  if r.expireAt then s = s .. ',"expireAt":' .. fmt(r.expireAt) end
  if r.hardAt then s = s .. ',"hardAt":' .. fmt(r.hardAt) end
  return s .. '}'
end
local journal, metaKey = KEYS[1], KEYS[2]
local expireIn, ttl, maxLength, retention = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local now = tonumber(ARGV[5]) or clock()
local floor, covered, genesis = meta(metaKey)
local fresh = redis.call('EXISTS', journal) == 0
local out = {}
for i = 3, #KEYS do
  local incoming = {at = now}
  if expireIn then incoming.expireAt = now + expireIn end
  local record = encode(union(decode(redis.call('GET', KEYS[i])), incoming, now))
  redis.call('SET', KEYS[i], record, 'PX', ttl)
  local id = redis.call('XADD', journal, '*', 't', ARGV[i + 3], 'r', record)
  if fresh and i == 3 then floor, covered, genesis = '-', '0', id end
  out[#out + 1] = id
  out[#out + 1] = record
end
local function dropped(entry)
  floor = entry[1]
  local at = tonumber(string.match(floor, '^(%d+)'))
  local fields = entry[2]
  for j = 1, #fields - 1, 2 do
    if fields[j] == 'r' then
      local r = decode(fields[j + 1])
      if r and r.at > at then at = r.at end
    end
  end
  covered = fmt(at + 1)
end
if now - retention > 0 then
  local minId = string.format('%.0f', now - retention) .. '-0'
  local old = redis.call('XREVRANGE', journal, '(' .. minId, '-', 'COUNT', 1)
  if old[1] then
    dropped(old[1])
    redis.call('XTRIM', journal, 'MINID', minId)
  end
end
local length = redis.call('XLEN', journal)
if length > maxLength then
  local gone = redis.call('XRANGE', journal, '-', '+', 'COUNT', length - maxLength)
  dropped(gone[#gone])
  redis.call('XTRIM', journal, 'MAXLEN', maxLength)
end
local keep = redis.call('PTTL', journal)
if keep < tonumber(ttl) then
  keep = ttl
  redis.call('PEXPIRE', journal, ttl)
end
redis.call('SET', metaKey, floor .. ' ' .. covered .. ' ' .. genesis, 'PX', keep)
return out`,
  sha1: '082a2fdc7bedaecae1175811442dd3d14527699f',
};

/**
 * The journal after a cursor, in one step. KEYS: journal, journal meta.
 * ARGV: cursor ('' = the journal's end), limit. Returns `{cursor, more, gap,
 * coveredSince, now, id1, tag1, record1, ...}` (flags as 0/1, times in ms).
 */
export const READ_JOURNAL: LuaScript = {
  script: `${META}${CLOCK}local journal = KEYS[1]
local now = clock()
local floor, covered, genesis = meta(KEYS[2])
covered = tonumber(covered) or 0
local cursor = ARGV[1]
if cursor == '' then
  local last = redis.call('XREVRANGE', journal, '+', '-', 'COUNT', 1)
  if last[1] then return {last[1][1], 0, 0, covered, now} end
  if floor ~= '-' then return {floor, 0, 0, covered, now} end
  return {'0-0', 0, 0, covered, now}
end
local function before(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am < bm or (am == bm and as < bs)
end
local gap = 0
if redis.call('EXISTS', journal) == 0 then
  if cursor ~= '0-0' then gap = 1 end
elseif (floor ~= '-' and before(cursor, floor)) or (genesis ~= '-' and cursor ~= '0-0' and before(cursor, genesis)) then
  gap = 1
end
local limit = tonumber(ARGV[2])
local rows = redis.call('XRANGE', journal, '(' .. cursor, '+', 'COUNT', limit + 1)
local more = 0
if #rows > limit then
  more = 1
  rows[#rows] = nil
end
local out = {cursor, more, gap, covered, now}
for _, row in ipairs(rows) do
  local tag, record = '', ''
  local fields = row[2]
  for j = 1, #fields - 1, 2 do
    if fields[j] == 't' then tag = fields[j + 1] elseif fields[j] == 'r' then record = fields[j + 1] end
  end
  out[1] = row[1]
  out[#out + 1] = row[1]
  out[#out + 1] = tag
  out[#out + 1] = record
end
return out`,
  sha1: '1331581d23b751e6aae8b2b5190e8a22f69fb54d',
  readOnly: true,
};

/** Every script, for the SHA check. */
export const SCRIPTS: Readonly<Record<string, LuaScript>> = { COMPARE_AND_DELETE, SET_IF_ABSENT, INVALIDATE, READ_JOURNAL };

/**
 * Whether a script call failed because the server has not cached the script yet.
 * The Redis error code, as node-redis reports it ("NOSCRIPT ...") and as
 * `@upstash/redis` does ("Command failed: NOSCRIPT ..., command was: [...]");
 * never matched in the echoed command, which holds values.
 */
export function isNoScriptError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const reason = error.message.split(', command was:')[0]!;
  return /(?:^|: )NOSCRIPT\b/.test(reason);
}
