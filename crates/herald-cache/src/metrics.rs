//! Lock-free counters behind [`crate::Metrics`].

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::types::{Metrics, Source};

#[derive(Default)]
pub(crate) struct Counters {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub fills: AtomicU64,
    pub fill_errors: AtomicU64,
    pub stale_fills_rejected: AtomicU64,
    pub invalidations: AtomicU64,
    pub bypasses: AtomicU64,
    pub lease_waits: AtomicU64,
    pub redis_errors: AtomicU64,
    pub version_round_trips: AtomicU64,
    pub lease_reads: AtomicU64,
    pub ack_waits: AtomicU64,
    pub ack_timeouts: AtomicU64,
    pub ack_wait_longest_ms: AtomicU64,
}

/// Adds one to a counter.
pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Relaxed);
}

impl Counters {
    /// Counts one answered read by where its value came from.
    pub fn read(&self, source: Source) {
        bump(match source {
            Source::Hit => &self.hits,
            Source::Miss => &self.misses,
            Source::Bypass => &self.bypasses,
        });
    }

    /// The counters; the local tier's figures are left for `Cache::metrics` to fill in.
    pub fn snapshot(&self) -> Metrics {
        Metrics {
            hits: self.hits.load(Relaxed),
            misses: self.misses.load(Relaxed),
            fills: self.fills.load(Relaxed),
            fill_errors: self.fill_errors.load(Relaxed),
            stale_fills_rejected: self.stale_fills_rejected.load(Relaxed),
            invalidations: self.invalidations.load(Relaxed),
            bypasses: self.bypasses.load(Relaxed),
            lease_waits: self.lease_waits.load(Relaxed),
            redis_errors: self.redis_errors.load(Relaxed),
            version_round_trips: self.version_round_trips.load(Relaxed),
            lease_reads: self.lease_reads.load(Relaxed),
            ack_waits: self.ack_waits.load(Relaxed),
            ack_timeouts: self.ack_timeouts.load(Relaxed),
            ack_wait_longest_ms: self.ack_wait_longest_ms.load(Relaxed),
            ..Metrics::default()
        }
    }
}
