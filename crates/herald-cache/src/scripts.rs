//! The Lua scripts that make the Redis tier's multi-key steps atomic. They use only
//! GET, SET, INCR, DEL, PEXPIRE, PUBLISH, HGET, HSET, HMGET, EXISTS, TIME, ZADD, ZSCORE, ZREM, ZRANGE (BYSCORE) and
//! ZREMRANGEBYSCORE, which Upstash / Vercel KV also run.

use redis::Script;

/// Versions are decimal strings; a missing tag is version "0", a missing epoch never
/// matches (the epoch is always set, to unix millis, before anything is stored).
///
/// KEYS: epoch, tag.., entry, lease.
/// ARGV: epoch version, tag versions.., entry JSON, ttl ms, lease token, channel, filled event,
/// hand-off ms.
/// Stores the entry only if every version is unchanged (compare-and-set), then
/// releases the lease if it is still ours (compare-and-delete) and wakes waiters.
/// Returns 1 if stored, 0 if the fill was stale. A stale result is refused as a cache
/// entry but handed off: kept under its (old) versioned key for at most
/// `HANDOFF_MS`, so the lease waiters of that exact key on other instances take it
/// instead of fetching the outdated version again. Only readers that resolved the old
/// versions, that is readers that started before the invalidation, ask for that key.
const STORE: &str = r"
local n = #KEYS - 2
local fresh = 1
for i = 1, n do
  local current = redis.call('GET', KEYS[i])
  if not current then
    if i == 1 then current = '' else current = '0' end
  end
  if current ~= ARGV[i] then fresh = 0 break end
end
if fresh == 1 then
  redis.call('SET', KEYS[n + 1], ARGV[n + 1], 'PX', ARGV[n + 2])
else
  redis.call('SET', KEYS[n + 1], ARGV[n + 1], 'PX', math.min(tonumber(ARGV[n + 2]), tonumber(ARGV[n + 6])))
end
if ARGV[n + 3] ~= '' and redis.call('GET', KEYS[n + 2]) == ARGV[n + 3] then
  redis.call('DEL', KEYS[n + 2])
end
redis.call('PUBLISH', ARGV[n + 4], ARGV[n + 5])
return fresh
";

/// How long a stale fill is kept for the waiters of its own versioned key: enough for a
/// woken waiter to read it, far below any TTL.
pub(crate) const HANDOFF_MS: u64 = 3000;

/// KEYS: entry, lease. ARGV: token, lease ttl ms.
/// Returns the entry if present, else 1 if the lease was taken, else 0 (someone holds it).
const ACQUIRE: &str = r"
local found = redis.call('GET', KEYS[1])
if found then return found end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
";

/// KEYS: lease. ARGV: token, channel, filled event. Compare-and-delete, then wake waiters.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
";

/// KEYS: lease. ARGV: token, lease ttl ms. Extends the lease if it is still ours.
const RENEW: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
";

/// The read-lease holders whose registration has not ended on Redis's clock, as a flat
/// `{id, score, ..}` list, after dropping the ended ones. `KEYS[2]` is the holders' set.
const LIVE_HOLDERS: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local holders = redis.call('ZRANGE', KEYS[2], now, '+inf', 'BYSCORE', 'WITHSCORES')
";

/// KEYS: seq, holders, epoch, unsure, tag... ARGV: channel, the event's JSON up to its
/// closing brace. Numbers the invalidation, bumps every tag, tells everyone (with the new
/// versions and the number), and returns `{number, {versions..}, {holder, score, ..},
/// unsure}`: `unsure` is 1 when Redis may have forgotten lease holders (its epoch is
/// missing: it lost its data; or a recovery happened less than two leases ago).
const INVALIDATE: &str = r#"
local seq = redis.call('INCR', KEYS[1])
local versions = {}
for i = 5, #KEYS do versions[#versions + 1] = redis.call('INCR', KEYS[i]) end
local tail = ',"versions":[' .. table.concat(versions, ',') .. '],"seq":' .. seq .. '}'
redis.call('PUBLISH', ARGV[1], ARGV[2] .. tail)
local unsure = 0
if redis.call('EXISTS', KEYS[3]) == 0 or redis.call('EXISTS', KEYS[4]) == 1 then unsure = 1 end
"#;

const INVALIDATE_RETURN: &str = "return {seq, versions, holders, unsure}";

/// KEYS: epoch, seq, unsure. ARGV: unix millis, channel, unsure ms. Starts the epoch at
/// the clock if it is missing (a restarted Redis never repeats an old epoch), then moves
/// it on, numbered and told like an invalidation; marks the next two leases unsure (a
/// recovery may follow a restart that lost lease holders). Returns `{epoch, number}`.
const BUMP_EPOCH: &str = r#"
redis.call('SET', KEYS[1], ARGV[1], 'NX')
local epoch = redis.call('INCR', KEYS[1])
local seq = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[3])
redis.call('PUBLISH', ARGV[2], '{"epoch":' .. epoch .. ',"seq":' .. seq .. '}')
return {epoch, seq}
"#;

/// KEYS: seq, holders, epoch. ARGV: holder id, number it applied (-1: none), registration
/// ms. Registers the holder only if it applied the last number. Returns
/// `{1, number, 0}` if granted, `{0, number, epoch}` if refused.
const GRANT: &str = r"
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
if seq ~= tonumber(ARGV[2]) then return {0, seq, tonumber(redis.call('GET', KEYS[3]) or '0')} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
return {1, seq, 0}
";

/// KEYS: applied. ARGV: holder id, number, channel, ack event, keep ms. Records the
/// holder's number in a hash (raised only), for writers that cannot hear the channel
/// (degraded), then tells everyone.
const ACK: &str = r"
local known = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > known then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
";

/// KEYS: holders. ARGV: holder id, score. Drops the registration only if it is still
/// the one a writer waited for in vain (a later grant has another score).
const REVOKE: &str = r"
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
";

pub(crate) struct Scripts {
    pub store: Script,
    pub acquire: Script,
    pub release: Script,
    pub renew: Script,
    pub invalidate: Script,
    pub bump_epoch: Script,
    pub grant: Script,
    pub revoke: Script,
    pub ack: Script,
}

impl Scripts {
    pub fn new() -> Self {
        Self {
            store: Script::new(STORE),
            acquire: Script::new(ACQUIRE),
            release: Script::new(RELEASE),
            renew: Script::new(RENEW),
            invalidate: Script::new(&format!("{INVALIDATE}{LIVE_HOLDERS}{INVALIDATE_RETURN}")),
            bump_epoch: Script::new(BUMP_EPOCH),
            grant: Script::new(GRANT),
            revoke: Script::new(REVOKE),
            ack: Script::new(ACK),
        }
    }
}
