//! The Redis tier's health: degraded or not, and how many failures so far, in one atomic,
//! so that a recovery clears the flag only if nothing failed while it recovered.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Notify;

/// Degraded flag plus a failure generation, in one atomic so that recovery can clear
/// the flag only if no failure happened while it was recovering.
/// Bit 0 = degraded, bits 1.. = number of failures so far.
pub(crate) struct Health {
    state: AtomicU64,
    /// Wakes the background task when the instance becomes degraded.
    pub changed: Notify,
}

impl Health {
    /// Starts degraded with no failure: the first connection needs no epoch bump.
    pub fn new() -> Self {
        Self { state: AtomicU64::new(1), changed: Notify::new() }
    }

    pub fn is_degraded(&self) -> bool {
        self.state.load(Ordering::Acquire) & 1 == 1
    }

    /// The raw state: equal to an earlier reading only if nothing failed or recovered
    /// in between.
    pub fn state(&self) -> u64 {
        self.state.load(Ordering::Acquire)
    }

    pub fn fail(&self) {
        // One more failure, and degraded, in one step.
        let _ = self.state.fetch_update(Ordering::AcqRel, Ordering::Acquire, |s| Some((s + 2) | 1));
        self.changed.notify_one();
    }

    /// The state to hand back to `recover` once recovery work is done.
    pub fn snapshot(&self) -> u64 {
        self.state.load(Ordering::Acquire) | 1
    }

    /// True if anything failed since start (so a recovery must bump the epoch).
    pub fn has_failed(snapshot: u64) -> bool {
        snapshot >> 1 > 0
    }

    /// Clears the degraded flag unless another failure happened since `snapshot`.
    pub fn recover(&self, snapshot: u64) -> bool {
        let healthy = snapshot & !1;
        self.state.compare_exchange(snapshot, healthy, Ordering::AcqRel, Ordering::Acquire).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::Health;

    #[test]
    fn recovery_clears_the_flag_only_if_nothing_failed_meanwhile() {
        let health = Health::new();
        let start = health.snapshot();
        assert!(!Health::has_failed(start), "a first connection needs no epoch bump");
        assert!(health.recover(start) && !health.is_degraded());

        health.fail();
        let outage = health.snapshot();
        assert!(health.is_degraded() && Health::has_failed(outage));
        health.fail(); // fails again while recovering
        assert!(!health.recover(outage) && health.is_degraded());
        assert!(health.recover(health.snapshot()) && !health.is_degraded());
    }
}
