//! Rate windows shared by every instance: "at most `limit` uses of `key` in any
//! `period`", counted once for the whole deployment (Herald counts its Ayrshare calls
//! per profile this way, because Ayrshare limits the profile, not the instance).
//!
//! **With Redis** a window is a sorted set `{ns}:window:{key}` of uses, scored by Redis's
//! own clock (`TIME`, so instances with skewed clocks agree). One script trims the uses
//! older than the period, counts the rest and records up to the wanted number of new
//! ones, atomically; concurrent takers on any instance can therefore never grant more
//! than `limit` uses within a period. The set expires a period after its last use.
//!
//! **Without Redis** the window lives in this process. **While Redis is unreachable** an
//! instance cannot see the others' uses, so it counts alone and allows only a quarter
//! of the limit (`Slots::shared` is false): with up to four instances the deployment
//! stays inside the limit; the quarter is the documented price of an outage.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::Script;

/// The answer of [`crate::Cache::take_slots`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slots {
    /// Uses granted now (at most the number wanted).
    pub granted: u32,
    /// When none is left: how long until the oldest use leaves the window.
    pub retry_after: Option<Duration>,
    /// Counted in the shared window (false: this instance alone, see the module docs).
    pub shared: bool,
    /// Names the uses granted, so unused ones can be given back
    /// ([`crate::Cache::refund_slots`]).
    pub(crate) ticket: Ticket,
}

/// Which window uses a grant recorded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Ticket {
    /// Nothing was granted.
    #[default]
    None,
    /// Members `{prefix}:1..=granted` of the shared window.
    Shared(String),
    /// Entries of this process's window, at this instant.
    Local(Instant),
}

/// KEYS: window. ARGV: wanted, limit, period ms, member prefix.
/// Returns {granted, ms until the oldest use leaves (0 if some are left)}.
const TAKE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local period = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
local used = redis.call('ZCARD', KEYS[1])
local granted = math.min(tonumber(ARGV[1]), math.max(0, tonumber(ARGV[2]) - used))
for i = 1, granted do
  redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. i)
end
redis.call('PEXPIRE', KEYS[1], period)
if used + granted < tonumber(ARGV[2]) then return {granted, 0} end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {granted, math.max(1, tonumber(oldest[2]) + period - now)}
";

/// KEYS: window. ARGV: member prefix, first, last. Removes the uses a take recorded as
/// `{prefix}:{first..=last}` (given back unused).
const REFUND: &str = r"
for i = tonumber(ARGV[2]), tonumber(ARGV[3]) do
  redis.call('ZREM', KEYS[1], ARGV[1] .. ':' .. i)
end
return 0
";

/// KEYS: window. ARGV: count, period ms, member prefix, hold ms. Raises the window's uses
/// to at least `count` (another client used the profile too, or the upstream refused:
/// 429); the uses added leave the window `hold` from now (at most a period).
const FILL: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local period = tonumber(ARGV[2])
local at = now - period + math.min(period, tonumber(ARGV[4]))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
local used = redis.call('ZCARD', KEYS[1])
for i = used + 1, tonumber(ARGV[1]) do
  redis.call('ZADD', KEYS[1], at, ARGV[3] .. ':' .. i)
end
redis.call('PEXPIRE', KEYS[1], period)
return math.max(0, tonumber(ARGV[1]) - used)
";

/// KEYS: window. ARGV: member prefix, granted, period ms, a fresh member name. Moves one
/// use of the grant `{prefix}:1..=granted` still at its earliest time to now (the call it
/// was taken for has just been made); adds a fresh one if all have left the window.
const RESTAMP: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local best, score = ARGV[4], nil
for i = 1, tonumber(ARGV[2]) do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[1] .. ':' .. i)
  if s and (score == nil or tonumber(s) < score) then
    best, score = ARGV[1] .. ':' .. i, tonumber(s)
  end
end
redis.call('ZADD', KEYS[1], now, best)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 0
";

pub(crate) struct WindowScripts {
    pub take: Script,
    pub fill: Script,
    pub refund: Script,
    pub restamp: Script,
}

impl WindowScripts {
    pub fn new() -> Self {
        Self {
            take: Script::new(TAKE),
            fill: Script::new(FILL),
            refund: Script::new(REFUND),
            restamp: Script::new(RESTAMP),
        }
    }
}

/// The windows of one process (no Redis, or while it is unreachable).
#[derive(Default)]
pub(crate) struct LocalWindows {
    uses: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LocalWindows {
    pub fn take(&self, key: &str, wanted: u32, limit: u32, period: Duration) -> Slots {
        let now = Instant::now();
        let mut all = self.uses.lock().unwrap_or_else(|p| p.into_inner());
        let uses = all.entry(key.to_owned()).or_default();
        while uses.front().is_some_and(|t| now.duration_since(*t) >= period) {
            uses.pop_front();
        }
        let used = u32::try_from(uses.len()).unwrap_or(u32::MAX);
        let granted = wanted.min(limit.saturating_sub(used));
        uses.extend(std::iter::repeat_n(now, granted as usize));
        let full = used + granted >= limit;
        let retry_after = full.then(|| {
            uses.front().map_or(period, |t| period.saturating_sub(now.duration_since(*t)))
        });
        Slots {
            granted,
            retry_after: retry_after.map(|d| d.max(Duration::from_millis(1))),
            shared: false,
            ticket: if granted > 0 { Ticket::Local(now) } else { Ticket::None },
        }
    }

    /// Gives back up to `count` uses recorded at `at` (the newest such first).
    pub fn refund(&self, key: &str, at: Instant, count: u32) {
        let mut all = self.uses.lock().unwrap_or_else(|p| p.into_inner());
        let Some(uses) = all.get_mut(key) else { return };
        let mut left = count;
        uses.retain(|t| {
            let drop = left > 0 && *t == at;
            left -= u32::from(drop);
            !drop
        });
    }

    /// Moves one use recorded at `at` to now (one added if none is left).
    pub fn restamp(&self, key: &str, at: Instant) {
        let now = Instant::now();
        let mut all = self.uses.lock().unwrap_or_else(|p| p.into_inner());
        let uses = all.entry(key.to_owned()).or_default();
        if let Some(i) = uses.iter().position(|t| *t == at) {
            uses.remove(i);
        }
        uses.push_back(now);
    }

    /// Raises the window to `count` uses; those added leave it `hold` from now.
    pub fn fill(&self, key: &str, count: u32, period: Duration, hold: Duration) {
        let now = Instant::now();
        let at = now.checked_sub(period.saturating_sub(hold)).unwrap_or(now);
        let mut all = self.uses.lock().unwrap_or_else(|p| p.into_inner());
        let uses = all.entry(key.to_owned()).or_default();
        while uses.front().is_some_and(|t| now.duration_since(*t) >= period) {
            uses.pop_front();
        }
        let missing = (count as usize).saturating_sub(uses.len());
        let position = uses.partition_point(|t| *t <= at);
        for _ in 0..missing {
            uses.insert(position, at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_window_grants_up_to_its_limit_then_says_when_one_frees() {
        let w = LocalWindows::default();
        let period = Duration::from_secs(30);
        assert_eq!(w.take("p", 40, 60, period).granted, 40);
        let second = w.take("p", 40, 60, period);
        assert_eq!(second.granted, 20);
        assert!(second.retry_after.is_some_and(|d| d <= period));
        assert_eq!(w.take("p", 1, 60, period).granted, 0);
        assert_eq!(w.take("other", 1, 60, period).granted, 1, "windows are per key");
    }

    #[test]
    fn uses_given_back_can_be_taken_again() {
        let w = LocalWindows::default();
        let period = Duration::from_secs(30);
        let slots = w.take("p", 10, 10, period);
        let Ticket::Local(at) = slots.ticket else { panic!("a local grant: {slots:?}") };
        w.refund("p", at, 4);
        assert_eq!(w.take("p", 10, 10, period).granted, 4);
    }

    #[test]
    fn uses_filled_with_a_short_hold_leave_the_window_after_it() {
        let w = LocalWindows::default();
        w.fill("p", 10, Duration::from_secs(300), Duration::ZERO);
        assert_eq!(w.take("p", 1, 10, Duration::from_secs(300)).granted, 1, "held for no time");
        w.fill("q", 10, Duration::from_secs(300), Duration::from_secs(5));
        let slots = w.take("q", 1, 10, Duration::from_secs(300));
        assert_eq!(slots.granted, 0);
        assert!(slots.retry_after.is_some_and(|d| d <= Duration::from_secs(5)), "{slots:?}");
    }

    #[test]
    fn a_restamped_use_leaves_a_period_after_the_restamp() {
        let w = LocalWindows::default();
        let period = Duration::from_millis(200);
        let Ticket::Local(at) = w.take("p", 1, 1, period).ticket else { panic!("granted") };
        std::thread::sleep(Duration::from_millis(150));
        w.restamp("p", at);
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(w.take("p", 1, 1, period).granted, 0, "the use counts from its restamp");
    }

    #[test]
    fn filling_a_window_uses_it_up() {
        let w = LocalWindows::default();
        w.fill("p", 60, Duration::from_secs(30), Duration::from_secs(30));
        assert_eq!(w.take("p", 1, 60, Duration::from_secs(30)).granted, 0);
    }
}
