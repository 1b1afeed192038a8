//! Per-caller rate limiting: one token bucket per bearer token (keyed by the token's
//! SHA-256, never the token itself), or per client IP for requests without one.
//!
//! A bucket holds `per_minute` requests and refills continuously at `per_minute / 60`
//! per second, so a caller may burst a whole minute's allowance and then goes at the
//! steady rate. An empty bucket answers 429 `rate_limited` with the API.md error body
//! and `Retry-After` (whole seconds until the next request is allowed). `/healthz`,
//! `/readyz` and `/metrics` are never limited, so probes and scrapers keep working.
//!
//! The buckets live in this process: each Herald instance counts on its own, so N
//! instances behind a load balancer allow up to N times the limit. The client IP is the
//! TCP peer (proxies' `X-Forwarded-For` is not trusted); behind a reverse proxy every
//! token-less caller shares the proxy's bucket. A token that Herald does not know still
//! gets its own bucket: the limit is applied before authentication, which answers 401.

use crate::error::AppError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Paths that are never limited (health probes and the metrics scraper).
pub const EXEMPT_PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// Buckets idle this long are full again and are dropped (a new one is the same).
const IDLE: Duration = Duration::from_secs(60);

/// Who a request is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Caller {
    /// SHA-256 of the bearer token.
    Token([u8; 32]),
    /// The TCP peer of a request without a bearer token.
    Ip(IpAddr),
    /// No token and no known peer (a router served without connect info).
    Unknown,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// The buckets of one Herald process.
#[derive(Debug)]
pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    state: Mutex<Buckets>,
}

#[derive(Debug)]
struct Buckets {
    map: HashMap<Caller, Bucket>,
    pruned: Instant,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per minute per caller (at least 1).
    pub fn new(per_minute: u32) -> Self {
        let capacity = f64::from(per_minute.max(1));
        Self {
            capacity,
            per_second: capacity / 60.0,
            state: Mutex::new(Buckets { map: HashMap::new(), pruned: Instant::now() }),
        }
    }

    /// Takes one request from `caller`'s bucket, or says how long until one is there.
    fn acquire(&self, caller: Caller, now: Instant) -> Result<(), Duration> {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if now.saturating_duration_since(state.pruned) >= IDLE {
            state.map.retain(|_, b| now.saturating_duration_since(b.updated) < IDLE);
            state.pruned = now;
        }
        let bucket =
            state.map.entry(caller).or_insert(Bucket { tokens: self.capacity, updated: now });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / self.per_second))
        }
    }
}

/// The caller of a request: its bearer token's hash, else its peer address.
fn caller_of(req: &Request) -> Caller {
    let header = req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    if let Some(token) = crate::auth::bearer(header) {
        return Caller::Token(Sha256::digest(token.as_bytes()).into());
    }
    match req.extensions().get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(peer)) => Caller::Ip(peer.ip()),
        None => Caller::Unknown,
    }
}

/// The middleware: 429 with `Retry-After` when the caller's bucket is empty.
pub async fn limit(State(limiter): State<Arc<RateLimiter>>, req: Request, next: Next) -> Response {
    if EXEMPT_PATHS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    match limiter.acquire(caller_of(&req), Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let mut response = AppError::RateLimited.into_response();
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(secs.max(1)));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_a_burst_then_the_steady_rate() {
        let limiter = RateLimiter::new(60);
        let t0 = Instant::now();
        let me = Caller::Token([1; 32]);
        for _ in 0..60 {
            assert!(limiter.acquire(me.clone(), t0).is_ok());
        }
        let wait = limiter.acquire(me.clone(), t0).unwrap_err();
        assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1), "{wait:?}");
        assert!(
            limiter.acquire(Caller::Token([2; 32]), t0).is_ok(),
            "another caller has its own bucket"
        );
        assert!(limiter.acquire(me.clone(), t0 + Duration::from_millis(500)).is_err());
        assert!(
            limiter.acquire(me.clone(), t0 + Duration::from_secs(1)).is_ok(),
            "one per second refills"
        );
        assert!(limiter.acquire(me, t0 + Duration::from_secs(1)).is_err());
    }

    #[test]
    fn idle_buckets_are_dropped_and_come_back_full() {
        let limiter = RateLimiter::new(2);
        let t0 = Instant::now();
        let me = Caller::Ip("127.0.0.1".parse().unwrap());
        assert!(limiter.acquire(me.clone(), t0).is_ok());
        assert!(limiter.acquire(me.clone(), t0).is_ok());
        assert!(limiter.acquire(me.clone(), t0).is_err());
        let later = t0 + IDLE * 2;
        assert!(limiter.acquire(Caller::Unknown, later).is_ok());
        assert_eq!(limiter.state.lock().unwrap().map.len(), 1, "the idle bucket was dropped");
        assert!(limiter.acquire(me.clone(), later).is_ok());
        assert!(limiter.acquire(me, later).is_ok());
    }
}
