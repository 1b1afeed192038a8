//! The Lua scripts that make the Redis tier's multi-key steps atomic. They use only
//! GET, SET, INCR, DEL, PEXPIRE and PUBLISH, which Upstash / Vercel KV also run.

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

/// KEYS: tag... ARGV: channel, invalidation event. Bumps every tag, then tells everyone.
const INVALIDATE: &str = r"
for i = 1, #KEYS do redis.call('INCR', KEYS[i]) end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return #KEYS
";

/// KEYS: epoch. ARGV: unix millis. Starts the epoch at the clock if it is missing (a
/// restarted Redis never repeats an old epoch), then moves it on. Returns the new epoch.
const BUMP_EPOCH: &str = r"
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('INCR', KEYS[1])
";

pub(crate) struct Scripts {
    pub store: Script,
    pub acquire: Script,
    pub release: Script,
    pub renew: Script,
    pub invalidate: Script,
    pub bump_epoch: Script,
}

impl Scripts {
    pub fn new() -> Self {
        Self {
            store: Script::new(STORE),
            acquire: Script::new(ACQUIRE),
            release: Script::new(RELEASE),
            renew: Script::new(RENEW),
            invalidate: Script::new(INVALIDATE),
            bump_epoch: Script::new(BUMP_EPOCH),
        }
    }
}
