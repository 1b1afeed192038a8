//! The state every `Cache` clone and background task shares, and the small operations
//! on it that do not depend on the tier: resolving versions, bypassing, local fan-out.

use std::fmt::Display;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::{broadcast, watch};

use crate::events::Event;
use crate::flight::Flights;
use crate::key::Versions;
use crate::lease::{Acks, Holder, Numbered, ReadLease};
use crate::local::{LocalTier, LocalVersions};
use crate::metrics::{bump, Counters};
use crate::remote::{Published, Remote};
use crate::scope;
use crate::topics::Topics;
use crate::types::{CacheConfig, Invalidation, Lookup, Source};
use crate::window::LocalWindows;

/// How long an invalidation keeps trying to reach Redis before it is reported unshared.
pub(crate) const SHARING_RETRIES_FOR: std::time::Duration = std::time::Duration::from_secs(2);

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
    /// This instance's read lease and the versions it learned (G10).
    pub lease: ReadLease,
    /// Acknowledgements heard from other lease holders, for this instance's writes.
    pub acks: Acks,
    /// The last number this instance applied, for the lease task to acknowledge.
    pub applied: watch::Sender<u64>,
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
            lease: ReadLease::new(config.read_lease),
            acks: Acks::default(),
            applied: watch::channel(0).0,
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

    /// The versions of `tags` from the read lease, with no round trip, if it holds and
    /// knows them all (see the `lease` module); only on a healthy Redis tier.
    pub fn leased(&self, tags: &[impl AsRef<str>]) -> Option<Versions> {
        let Ok(Some(_)) = self.healthy_remote() else { return None };
        let versions = self.lease.versions(tags)?;
        bump(&self.counters.lease_reads);
        Some(versions)
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

    /// One `MGET` of the epoch and `tags`, counted, and learned by the read lease.
    pub async fn resolve_remote(
        &self,
        remote: &Remote,
        tags: &[impl AsRef<str>],
    ) -> redis::RedisResult<Versions> {
        bump(&self.counters.version_round_trips);
        let generation = self.lease.generation();
        let versions = remote.resolve(tags).await?;
        self.lease.learn(generation, tags, &versions);
        Ok(versions)
    }

    /// Runs the invalidation script, learns the versions it set, and returns once every
    /// other lease holder applied it or lost its lease (G10).
    pub async fn invalidate_remote(
        &self,
        remote: &Remote,
        tags: &[String],
    ) -> redis::RedisResult<()> {
        let generation = self.lease.generation();
        let published = remote.invalidate(tags).await?;
        self.lease.learn_tags(generation, tags, &published.versions);
        self.await_holders(remote, published).await;
        Ok(())
    }

    /// [`Core::invalidate_remote`], tried again every 100 ms for up to
    /// [`SHARING_RETRIES_FOR`] while Redis does not answer (a restarting Redis, a command
    /// connection being made again): an invalidation comes back unshared only when Redis
    /// stayed unreachable that long. Without it, a write on an instance that reached
    /// Redis a moment after the others was acknowledged unshared while they already
    /// served entries filled before it (`scaled::redis_restart` caught that).
    pub async fn invalidate_until_shared(
        &self,
        remote: &Remote,
        tags: &[String],
    ) -> redis::RedisResult<()> {
        let deadline = tokio::time::Instant::now() + SHARING_RETRIES_FOR;
        loop {
            match self.invalidate_remote(remote, tags).await {
                Ok(()) => return Ok(()),
                Err(e) if tokio::time::Instant::now() >= deadline => return Err(e),
                Err(e) => self.redis_failed("invalidate (trying again)", &e),
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await; // retry pace
        }
    }

    /// Waits until every other lease holder the invalidation script saw applied it, or
    /// its lease ended (then drops its registration, if it was not renewed since).
    /// When Redis may have forgotten holders (`unsure`), it waits a whole lease anyway.
    pub async fn await_holders(&self, remote: &Remote, published: Published) {
        if published.holders.is_empty() && !(published.unsure && self.lease.enabled()) {
            return;
        }
        bump(&self.counters.ack_waits);
        let deadline = published.at + self.lease.lease;
        if published.unsure {
            tokio::time::sleep_until(deadline).await; // holders Redis may not know of
        }
        let waiting = self.acks.wait(published.seq, published.holders.clone(), deadline);
        // While degraded there is no subscription to hear acknowledgements on: they are
        // read from Redis instead (the poll never ends by itself: the wait does).
        let silent = tokio::select! {
            silent = waiting => silent,
            () = self.poll_acks(remote, &published.holders) => published.holders,
        };
        let waited = u64::try_from(published.at.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.counters.ack_wait_longest_ms.fetch_max(waited, Ordering::Relaxed);
        for holder in silent {
            bump(&self.counters.ack_timeouts);
            tracing::warn!(holder = %holder.id, seq = published.seq,
                "a read-lease holder did not acknowledge an invalidation within its lease");
            if let Err(e) = remote.revoke(&holder).await {
                self.redis_failed("revoke a read lease", &e);
            }
        }
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
        self.lease.reset();
        self.acks.forget();
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

    /// While this instance is degraded, reads the holders' acknowledgements from Redis
    /// every 25 ms, into `acks`.
    async fn poll_acks(&self, remote: &Remote, holders: &[Holder]) {
        loop {
            if remote.health.is_degraded() {
                let numbers = remote.acknowledged(holders).await.unwrap_or_default();
                for (holder, seq) in holders.iter().zip(numbers) {
                    if let Some(seq) = seq {
                        self.acks.record(holder.id.clone(), seq);
                    }
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await; // polling pace
        }
    }

    /// Hands a number this instance now holds everything up to to the lease task.
    fn number(&self, placed: Numbered) {
        if let Numbered::Next(seq) | Numbered::Gap(seq) = placed {
            self.applied.send_replace(seq);
        }
    }

    /// Applies an event that arrived on the channel (or locally, without Redis).
    pub fn apply(&self, event: Event) {
        match event {
            Event::Invalidated { tags, versions, seq } => {
                self.number(self.lease.invalidated(&tags, &versions, seq));
                self.local.evict_tags(&tags);
                let _ = self.invalidations.send(Invalidation { tags });
            }
            Event::Epoch { epoch, seq } => self.number(self.lease.epoch_moved(epoch, seq)),
            Event::Ack { ack, seq } => self.acks.record(ack, seq),
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
