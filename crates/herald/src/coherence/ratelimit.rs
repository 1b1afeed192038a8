//! Per-caller rate limits, counted with `governor` (GCRA, one keyed limiter each):
//!
//! - **Requests**: every request counts against whoever it authenticated as (the
//!   principal's actor id), or, without valid credentials, against the client address;
//!   Ayrshare's webhooks have their own per-address bucket. `per_minute` requests may
//!   come in a burst, then one every `60 / per_minute` seconds.
//! - **Failed authentications**: a bearer credential Herald does not know counts against
//!   the client address in a separate, tighter limit (`failures_per_minute`). Once it is
//!   spent, the address's *unknown* credentials are refused (429) — checked after the
//!   lookup missed, so a valid token (or the cron secret) sent from the same address,
//!   behind the same proxy, is never locked out by someone else's guesses (review N4).
//!
//! Authentication runs first ([`crate::gate::auth::layer`]), so a fresh random token per
//! request buys nothing. `/healthz`, `/readyz` and `/metrics` are never limited. The
//! limits live in each process: N instances allow N times them. The client address is
//! the TCP peer, or behind a trusted proxy the forwarded client ([`crate::foundation::client_ip`]).

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Paths that are never limited (health probes and the metrics scraper).
pub const EXEMPT_PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// Every this many checks, keys idle long enough to be full again are dropped.
const PRUNE_EVERY: u64 = 4096;

/// Who a request is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Caller {
    /// An authenticated principal, by its actor id.
    Principal(crate::foundation::domain::Actor),
    /// The TCP peer of a request without valid credentials.
    Address(IpAddr),
    /// The TCP peer of an Ayrshare webhook delivery.
    Webhook(IpAddr),
    /// No credentials and no known peer (a router served without connect info).
    Unknown,
}

/// The limits of one Herald process.
pub struct Limits {
    requests: Option<DefaultKeyedRateLimiter<Caller>>,
    failures: Lockout<IpAddr>,
    clock: DefaultClock,
    checks: AtomicU64,
}

/// Failures counted per key (an address, an e-mail); once a key's allowance is spent it
/// is locked — refused before any check is made for it — until the allowance comes back.
pub struct Lockout<K: Hash + Eq + Clone> {
    failures: Option<DefaultKeyedRateLimiter<K>>,
    locked: Mutex<HashMap<K, Instant>>,
    /// How many keys `locked` holds: while none is (the usual case), checking a key
    /// takes no lock, so requests do not queue on it.
    any_locked: AtomicUsize,
    clock: DefaultClock,
}

impl<K: Hash + Eq + Clone> Lockout<K> {
    /// `per_minute` failures per key (0: never locked).
    pub fn per_minute(per_minute: u32) -> Self {
        Self {
            failures: limiter(per_minute),
            locked: Mutex::default(),
            any_locked: AtomicUsize::new(0),
            clock: DefaultClock::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Instant>> {
        self.locked.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Refused while `key` is locked.
    pub fn unlocked(&self, key: &K) -> Result<(), Duration> {
        if self.any_locked.load(Ordering::Acquire) == 0 {
            return Ok(());
        }
        let mut locked = self.lock();
        let outcome = match locked.get(key) {
            Some(until) if *until > Instant::now() => Err(*until - Instant::now()),
            Some(_) => {
                locked.remove(key);
                Ok(())
            }
            None => Ok(()),
        };
        self.any_locked.store(locked.len(), Ordering::Release);
        outcome
    }

    /// Counts a failure of `key`; once its allowance is spent, locks it.
    pub fn failed(&self, key: &K) -> Result<(), Duration> {
        let Some(failures) = &self.failures else { return Ok(()) };
        failures.check_key(key).map_err(|e| {
            let wait = e.wait_time_from(self.clock.now()).max(Duration::from_millis(1));
            let mut locked = self.lock();
            locked.insert(key.clone(), Instant::now() + wait);
            self.any_locked.store(locked.len(), Ordering::Release);
            wait
        })
    }

    fn prune(&self) {
        if let Some(failures) = &self.failures {
            failures.retain_recent();
        }
        let now = Instant::now();
        let mut locked = self.lock();
        locked.retain(|_, until| *until > now);
        self.any_locked.store(locked.len(), Ordering::Release);
    }
}

/// Attempts counted per key across every instance (a [`herald_cache`] rate window in
/// Redis when configured): sign-in attempts per client, per account and so on (see
/// [`crate::commands::people::signin`]), which an attacker could otherwise spread over the
/// instances. Keys are digested: an e-mail address never becomes a Redis key.
#[derive(Clone)]
pub struct SharedLockout {
    cache: herald_cache::Cache,
    /// What is counted (`login-email`, `login-client`).
    kind: &'static str,
    limit: u32,
    period: Duration,
}

impl SharedLockout {
    /// `limit` failures per key within `period` (0: never locked).
    pub fn new(
        cache: herald_cache::Cache,
        kind: &'static str,
        limit: u32,
        period: Duration,
    ) -> Self {
        Self { cache, kind, limit, period }
    }

    fn key(&self, who: &str) -> crate::storage::cache_keys::Key {
        crate::storage::cache_keys::Key::lockout(self.kind, who)
    }

    /// Takes one attempt of `who` from the window before the attempt is checked (so
    /// concurrent attempts count at once), or says how long to wait. A successful
    /// attempt gives it back ([`Reserved::refund`]); a failed one keeps it.
    pub async fn reserve(&self, who: &str) -> Result<Reserved, Duration> {
        if self.limit == 0 {
            return Ok(Reserved { lockout: self.clone(), key: String::new(), slots: None });
        }
        let key = self.key(who).as_str().to_owned();
        let slots = self.cache.take_slots(&key, 1, self.limit, self.period).await;
        match (slots.granted, slots.retry_after) {
            (0, wait) => Err(wait.unwrap_or(self.period)),
            _ => Ok(Reserved { lockout: self.clone(), key, slots: Some(slots) }),
        }
    }
}

/// One attempt taken from a [`SharedLockout`] window.
pub struct Reserved {
    lockout: SharedLockout,
    key: String,
    slots: Option<herald_cache::Slots>,
}

impl Reserved {
    /// Gives the attempt back: it succeeded, so it counts against nobody.
    pub async fn refund(self) {
        if let Some(slots) = &self.slots {
            self.lockout.cache.refund_slots(&self.key, slots, 1).await;
        }
    }
}

fn limiter<K: std::hash::Hash + Eq + Clone>(per_minute: u32) -> Option<DefaultKeyedRateLimiter<K>> {
    NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)))
}

impl Limits {
    /// `per_minute` requests per caller and `failures_per_minute` failed
    /// authentications per address; 0 turns either off.
    pub fn new(per_minute: u32, failures_per_minute: u32) -> Self {
        Self {
            requests: limiter(per_minute),
            failures: Lockout::per_minute(failures_per_minute),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one request from `caller`'s allowance, or says how long to wait.
    pub fn check(&self, caller: &Caller) -> Result<(), Duration> {
        let Some(requests) = &self.requests else { return Ok(()) };
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            requests.retain_recent();
            self.failures.prune();
        }
        requests.check_key(caller).map_err(|e| e.wait_time_from(self.clock.now()))
    }

    /// Before a credential from `ip` is looked up: refused while the address's
    /// failed-authentication limit is spent.
    pub fn unlocked(&self, ip: Option<IpAddr>) -> Result<(), Duration> {
        ip.map_or(Ok(()), |ip| self.failures.unlocked(&ip))
    }

    /// After a credential from `ip` failed: counts it; once the limit is spent, the
    /// address is locked until it allows again.
    pub fn failed(&self, ip: Option<IpAddr>) -> Result<(), Duration> {
        ip.map_or(Ok(()), |ip| self.failures.failed(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_may_burst_its_allowance_then_waits_about_the_steady_interval() {
        let limits = Limits::new(60, 0);
        let me = Caller::Principal(crate::foundation::domain::Actor::token("1"));
        for _ in 0..60 {
            assert!(limits.check(&me).is_ok());
        }
        let wait = limits.check(&me).unwrap_err();
        assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1), "{wait:?}");
        assert!(
            limits.check(&Caller::Principal(crate::foundation::domain::Actor::token("2"))).is_ok(),
            "callers are apart"
        );
    }

    #[test]
    fn spent_failed_authentications_lock_the_address_before_any_lookup() {
        let limits = Limits::new(0, 3);
        let ip: IpAddr = "127.0.0.7".parse().unwrap();
        for _ in 0..3 {
            assert!(limits.unlocked(Some(ip)).is_ok());
            assert!(limits.failed(Some(ip)).is_ok());
        }
        assert!(limits.failed(Some(ip)).is_err(), "the fourth failure is refused");
        assert!(limits.unlocked(Some(ip)).is_err(), "and the address is locked");
        let other: IpAddr = "127.0.0.8".parse().unwrap();
        assert!(limits.unlocked(Some(other)).is_ok(), "other addresses are not");
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let limits = Limits::new(0, 0);
        for _ in 0..10_000 {
            assert!(limits.check(&Caller::Unknown).is_ok());
            assert!(limits.failed(Some("127.0.0.1".parse().unwrap())).is_ok());
        }
    }
}
