//! The state every `Cache` clone and background task shares, and the small operations
//! on it that do not depend on the tier: resolving versions, bypassing, local fan-out.

use std::fmt::Display;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::broadcast;

use crate::events::Event;
use crate::flight::Flights;
use crate::key::Versions;
use crate::local::{LocalTier, LocalVersions};
use crate::metrics::{bump, Counters};
use crate::remote::Remote;
use crate::scope;
use crate::topics::Topics;
use crate::types::{CacheConfig, Invalidation, Lookup, Source};
use crate::window::LocalWindows;

/// Capacity of the `subscribe()` channel; slower receivers lag.
const EVENT_BUFFER: usize = 1024;

/// Gives every `Core` its own id (request-scoped snapshots name the core they belong to).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

pub(crate) struct Core {
    /// Unique in the process.
    pub id: u64,
    pub config: CacheConfig,
    pub local: LocalTier,
    /// Tag versions when there is no Redis tier.
    pub versions: LocalVersions,
    pub flights: Flights,
    pub remote: Option<Remote>,
    pub counters: Counters,
    pub invalidations: broadcast::Sender<Invalidation>,
    pub topics: Topics,
    /// Rate windows when there is no Redis tier, or while it is unreachable.
    pub windows: LocalWindows,
}

impl Core {
    pub fn new(config: CacheConfig, remote: Option<Remote>) -> Self {
        Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            local: LocalTier::new(config.max_local_bytes, config.ttl),
            versions: LocalVersions::default(),
            windows: LocalWindows::default(),
            flights: Flights::default(),
            remote,
            counters: Counters::default(),
            invalidations: broadcast::channel(EVENT_BUFFER).0,
            topics: Topics::default(),
            config,
        }
    }

    /// The healthy Redis tier, or `None` in local-only mode.
    /// `Err(())` when Redis is configured but the instance is degraded.
    pub fn healthy_remote(&self) -> Result<Option<&Remote>, ()> {
        match &self.remote {
            None => Ok(None),
            Some(r) if r.health.is_degraded() => Err(()),
            Some(r) => Ok(Some(r)),
        }
    }

    /// The versions of `tags` from the request-scoped snapshot in scope, if one may be
    /// used (see the `scope` module); only on a healthy Redis tier.
    pub fn scoped(&self, tags: &[impl AsRef<str>]) -> Option<Versions> {
        match self.healthy_remote() {
            Ok(Some(remote)) => scope::versions(self.id, remote.health.state(), tags),
            _ => None,
        }
    }

    /// The versions of `tags` now, or `None` if reads must bypass the cache.
    pub async fn resolve(&self, tags: &[impl AsRef<str>]) -> Option<Versions> {
        match self.healthy_remote() {
            Ok(None) => Some(self.versions.resolve(tags)),
            Ok(Some(remote)) => match self.resolve_remote(remote, tags).await {
                Ok(versions) => Some(versions),
                Err(e) => {
                    self.redis_failed("resolve versions", &e);
                    None
                }
            },
            Err(()) => None,
        }
    }

    /// One `MGET` of the epoch and `tags`, counted.
    pub async fn resolve_remote(
        &self,
        remote: &Remote,
        tags: &[impl AsRef<str>],
    ) -> redis::RedisResult<Versions> {
        bump(&self.counters.version_round_trips);
        remote.resolve(tags).await
    }

    /// Counts a Redis failure and marks the instance degraded until recovery.
    pub fn redis_failed(&self, what: &str, error: &dyn Display) {
        bump(&self.counters.redis_errors);
        if let Some(remote) = &self.remote {
            if !remote.health.is_degraded() {
                tracing::warn!(%error, what, "redis unavailable; cache bypassed until it recovers");
            }
            remote.health.fail();
        }
    }

    /// Runs `fut` as a fill, counting it and its failure.
    pub async fn run_fill<V, E>(&self, fut: impl Future<Output = Result<V, E>>) -> Result<V, E> {
        bump(&self.counters.fills);
        let out = fut.await;
        if out.is_err() {
            bump(&self.counters.fill_errors);
        }
        out
    }

    /// Degraded read: fill directly, store nothing, share nothing.
    pub async fn bypass<V, E>(
        &self,
        fut: impl Future<Output = Result<V, E>>,
    ) -> Result<Lookup<V>, Arc<E>> {
        bump(&self.counters.bypasses);
        let filled_at = Utc::now();
        let value = self.run_fill(fut).await.map_err(Arc::new)?;
        Ok(Lookup {
            value: Arc::new(value),
            source: Source::Bypass,
            stamp: rand::random(),
            filled_at,
        })
    }

    /// Applies an event that arrived on the channel (or locally, without Redis).
    pub fn apply(&self, event: Event) {
        match event {
            Event::Invalidated { tags } => {
                self.local.evict_tags(&tags);
                let _ = self.invalidations.send(Invalidation { tags });
            }
            Event::Filled { filled } => {
                if let Some(remote) = &self.remote {
                    remote.wake(&filled);
                }
            }
            Event::Cleared { clear } => {
                self.local.clear_prefix(&clear);
            }
            Event::Broadcast(message) => self.topics.publish(message),
        }
    }
}
