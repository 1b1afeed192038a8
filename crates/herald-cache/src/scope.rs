//! Request-scoped version snapshots: the versions of every tag a unit of work (an HTTP
//! request) will read, resolved in one Redis round trip when it starts and used by every
//! `get_or_fill` inside it instead of a round trip of its own. See "Why the guarantees
//! hold" in the crate docs for why versions read at the start are as good as versions
//! read later within the same unit of work.
//!
//! A snapshot is kept in a Tokio task-local around the unit's future, so it applies to
//! that future only: work spawned from it, and a response body polled after the handler
//! returned (an event stream re-checking its principal), resolve their own versions. It is
//! used only while all of this holds, and otherwise a read resolves its versions itself:
//!
//! * it was taken by the same `Cache` instance;
//! * the instance has not failed since (no outage, no recovery, no epoch bump);
//! * no `invalidate` ran inside the unit (a unit that writes reads its own writes);
//! * it is younger than [`MAX_AGE`] (a long unit does not read old versions for long);
//! * it holds every tag the read names.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::key::Versions;

/// The oldest a snapshot may be and still be used.
pub const MAX_AGE: Duration = Duration::from_secs(1);

tokio::task_local! {
    static SCOPE: Snapshot;
}

/// The versions resolved for one unit of work.
#[derive(Clone)]
pub(crate) struct Snapshot {
    inner: Arc<Resolved>,
}

struct Resolved {
    /// The id of the `Core` that resolved it.
    core: u64,
    /// The Redis tier's health state when it was resolved (healthy, failure count).
    health: u64,
    taken: Instant,
    epoch: u64,
    tags: Vec<(String, u64)>,
    /// Set by an `invalidate` inside the unit: later reads resolve for themselves.
    spent: AtomicBool,
}

impl Snapshot {
    pub fn new(core: u64, health: u64, epoch: u64, tags: Vec<(String, u64)>) -> Self {
        let taken = Instant::now();
        let spent = AtomicBool::new(false);
        Self { inner: Arc::new(Resolved { core, health, taken, epoch, tags, spent }) }
    }

    /// Runs `fut` with this snapshot in scope.
    pub async fn scope<F: Future>(self, fut: F) -> F::Output {
        SCOPE.scope(self, fut).await
    }
}

/// The versions of `tags` from the snapshot in scope, if it may be used (module docs).
pub(crate) fn versions(core: u64, health: u64, tags: &[impl AsRef<str>]) -> Option<Versions> {
    SCOPE
        .try_with(|s| {
            let s = &s.inner;
            let usable = s.core == core
                && s.health == health
                && !s.spent.load(Ordering::Acquire)
                && s.taken.elapsed() < MAX_AGE;
            if !usable {
                return None;
            }
            let found = |tag: &str| s.tags.iter().find(|(t, _)| t == tag).map(|(_, v)| *v);
            let versions =
                tags.iter().map(|t| found(t.as_ref())).collect::<Option<Box<[u64]>>>()?;
            Some(Versions { epoch: s.epoch, tags: versions })
        })
        .ok()
        .flatten()
}

/// An invalidation by `core` inside the unit: its snapshot is no longer used.
pub(crate) fn spend(core: u64) {
    let _ = SCOPE.try_with(|s| {
        if s.inner.core == core {
            s.inner.spent.store(true, Ordering::Release);
        }
    });
}
