//! `Cache`, the public handle: reads (`get_or_fill`), invalidation, clearing, fan-out,
//! metrics. Cloning is cheap; clones are the same instance.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::broadcast;

use crate::core::Core;
use crate::events::Event;
use crate::fill;
use crate::flight::Claim;
use crate::key::{owned_tags, VKey};
use crate::metrics::bump;
use crate::remote::Remote;
use crate::scope::{self, Snapshot};
use crate::supervisor::Tasks;
use crate::types::{CacheConfig, Invalidation, Lookup, Message, Metrics, Source, Tier, Unshared};
use crate::weigh::Weigh;
use crate::window::{Slots, Ticket};

/// A coherent read-through cache instance. See the crate docs for the protocol.
#[derive(Clone)]
pub struct Cache {
    inner: Arc<Inner>,
}

struct Inner {
    core: Arc<Core>,
    /// Dropped with the last clone, which stops the background task.
    tasks: Tasks,
}

impl Cache {
    /// Builds a cache. With `redis_url` it connects and subscribes before returning;
    /// if Redis is unreachable it starts degraded (reads bypass) and keeps retrying every
    /// `reconnect_every`.
    /// Must be called inside a Tokio runtime when `redis_url` is set.
    pub async fn new(config: CacheConfig) -> Cache {
        let Some(url) = config.redis_url.clone() else {
            return Self::build(Arc::new(Core::new(config, None)), Tasks::none());
        };
        let remote = Remote::new(&url, &config.namespace);
        let core = Arc::new(Core::new(config, Some(remote)));
        let tasks = Tasks::start(&core).await;
        Self::build(core, tasks)
    }

    /// A local-only cache whose entries live at most `ttl`.
    pub fn local(ttl: Duration) -> Cache {
        let config = CacheConfig { ttl, ..CacheConfig::default() };
        Self::build(Arc::new(Core::new(config, None)), Tasks::none())
    }

    fn build(core: Arc<Core>, tasks: Tasks) -> Cache {
        Cache { inner: Arc::new(Inner { core, tasks }) }
    }

    fn core(&self) -> &Arc<Core> {
        &self.inner.core
    }

    /// The value of `key` for the current versions of `tags`, filled at most once per
    /// versioned key (per instance, and across instances through the Redis lease).
    ///
    /// Readers of the same versioned key share one fill and get its result, error
    /// included: like moka's `try_get_with`, the error comes as one `Arc<E>` shared by
    /// every reader of that fill, so `E` need not be `Clone`. Errors are never cached.
    /// While Redis is down the fill runs directly (`Source::Bypass`).
    ///
    /// `tags` is any slice of strings (`&["tokens"]`, `&[String]`, `&Vec<String>`); the
    /// cache copies them only on a local miss. Their order is part of the entry's identity.
    ///
    /// `fill` is called on a local miss to build its future; that future is polled
    /// only if this reader runs the fill, and dropped unpolled if it joins another
    /// reader's fill. Keep the work inside the future.
    pub async fn get_or_fill<V, E, T, F, Fut>(
        &self,
        key: &str,
        tags: &[T],
        fill: F,
    ) -> Result<Lookup<V>, Arc<E>>
    where
        V: Serialize + DeserializeOwned + Weigh + Send + Sync + 'static,
        E: Send + Sync + 'static,
        T: AsRef<str>,
        F: FnOnce() -> Fut + Send,
        Fut: Future<Output = Result<V, E>> + Send + 'static,
    {
        let core = self.core();
        let versions = match core.leased(tags).or_else(|| core.scoped(tags)) {
            Some(versions) => Some(versions),
            None => core.resolve(tags).await,
        };
        let Some(versions) = versions else {
            return core.bypass(fill()).await;
        };
        let vk = VKey::new(key, tags, versions);
        if let Some(hit) = core.local.get::<V>(&vk, tags) {
            core.counters.read(Source::Hit);
            return Ok(hit);
        }
        let fut = fill(); // lazy: dropped unpolled if this reader joins another fill
        let tags = owned_tags(tags);
        let make = |id| fill::run(core.clone(), vk.clone(), tags.clone(), fut, id).boxed();
        let result = match core.flights.claim(&core.local, &vk, &tags, make) {
            Claim::Hit(hit) => Ok(hit),
            Claim::Join(shared) | Claim::Lead(shared) => shared.await,
        };
        core.counters.read(result.as_ref().map_or(Source::Miss, |found| found.source));
        result
    }

    /// Runs `work` with the versions of `tags` resolved once, in one Redis round trip,
    /// for every [`Cache::get_or_fill`] inside it that names only tags among them (a read
    /// naming another tag resolves its own). An HTTP request wraps its handler in it with
    /// every tag it will read, so a request served from the in-process tier costs one
    /// round trip in all. Without a Redis tier, or while it is degraded, `work` just runs.
    ///
    /// The snapshot belongs to `work`'s own future (a Tokio task-local): tasks it spawns
    /// and anything polled after it returned resolve their own versions. It stops being
    /// used after an `invalidate` inside `work`, after any Redis failure or recovery, and
    /// after [`crate::SCOPE_MAX_AGE`]. Why this keeps G1 and G2: see the crate docs.
    pub async fn scoped<T, F>(&self, tags: &[T], work: F) -> F::Output
    where
        T: AsRef<str>,
        F: Future,
    {
        let core = self.core();
        let Ok(Some(remote)) = core.healthy_remote() else { return work.await };
        let health = remote.health.state();
        if tags.is_empty() || health & 1 == 1 || core.lease.covers(tags) {
            return work.await; // under the read lease every read resolves from memory
        }
        match core.resolve_remote(remote, tags).await {
            Ok(versions) => {
                let pairs = tags.iter().map(|t| t.as_ref().to_owned());
                let pairs = pairs.zip(versions.tags.iter().copied()).collect();
                Snapshot::new(core.id, health, versions.epoch, pairs).scope(work).await
            }
            Err(e) => {
                core.redis_failed("resolve versions", &e);
                work.await
            }
        }
    }

    /// Bumps the tags' versions; when it returns `Ok`, every read that starts
    /// afterwards, on any instance, misses the old entries. Receivers of `subscribe()`
    /// on every instance are told.
    ///
    /// A degraded instance still tries Redis (its command connection can work again
    /// before its subscription is back) and also applies the invalidation here, since
    /// its own subscription cannot. `Err(Unshared)`: Redis is configured but could not
    /// be reached, so only this instance's state changed; its recovery bumps the epoch,
    /// which covers the others later. Callers that must not acknowledge a change other
    /// instances cannot see answer 503 on `Unshared`.
    pub async fn invalidate(&self, tags: &[impl AsRef<str>]) -> Result<(), Unshared> {
        if tags.is_empty() {
            return Ok(());
        }
        let tags = owned_tags(tags);
        let core = self.core();
        scope::spend(core.id); // the rest of this unit of work reads its own write
        bump(&core.counters.invalidations);
        let shared = match &core.remote {
            None => {
                core.versions.bump(&tags);
                Ok(())
            }
            Some(remote) => match core.invalidate_until_shared(remote, &tags).await {
                // Healthy: our own subscription applies and forwards it.
                Ok(()) if !remote.health.is_degraded() => return Ok(()),
                Ok(()) => Ok(()),
                Err(e) => {
                    core.redis_failed("invalidate", &e);
                    Err(Unshared)
                }
            },
        };
        core.apply(Event::Invalidated { tags, versions: Vec::new(), seq: None });
        shared
    }

    /// Whether an invalidation made now would reach every instance: true without a
    /// Redis tier (nothing to share with) or while this instance is healthy; while it
    /// is degraded, whether Redis answers a `PING` on the command connection, which can
    /// work again before the subscription has been re-established. Lets a caller that
    /// must not acknowledge a change other instances cannot see refuse it before writing.
    /// `invalidate`'s result stays the authoritative answer.
    pub async fn shared_tier_reachable(&self) -> bool {
        match &self.core().remote {
            None => true,
            Some(remote) if !remote.health.is_degraded() => true,
            Some(remote) => remote.ping().await.is_ok(),
        }
    }

    /// Takes up to `wanted` uses of the rate window `key` ("at most `limit` per `period`"),
    /// counted across every instance (see the `window` module). Never waits: the answer
    /// says how many were granted and, when none is left, when one frees.
    pub async fn take_slots(&self, key: &str, wanted: u32, limit: u32, period: Duration) -> Slots {
        let core = self.core();
        match core.healthy_remote() {
            Ok(None) => return core.windows.take(key, wanted, limit, period),
            Ok(Some(remote)) => {
                let prefix = format!("{:016x}", rand::random::<u64>());
                match remote.take_slots(key, wanted, limit, period, &prefix).await {
                    Ok((granted, wait_ms)) => {
                        let retry_after = (wait_ms > 0).then(|| Duration::from_millis(wait_ms));
                        let ticket =
                            if granted > 0 { Ticket::Shared(prefix) } else { Ticket::None };
                        return Slots { granted, retry_after, shared: true, ticket };
                    }
                    Err(e) => core.redis_failed("take slots", &e),
                }
            }
            Err(()) => {}
        }
        core.windows.take(key, wanted, (limit / 4).max(1), period)
    }

    /// Gives back `count` of the uses `slots` granted (taken for work that then did not
    /// happen), so they count against nobody. Best effort: a refund Redis does not get
    /// leaves the uses counted, which errs on the side of the limit.
    pub async fn refund_slots(&self, key: &str, slots: &Slots, count: u32) {
        let count = count.min(slots.granted);
        if count == 0 {
            return;
        }
        let core = self.core();
        match &slots.ticket {
            Ticket::None => {}
            Ticket::Local(at) => core.windows.refund(key, *at, count),
            Ticket::Shared(prefix) => {
                if let Ok(Some(remote)) = core.healthy_remote() {
                    let first = slots.granted - count + 1;
                    if let Err(e) = remote.refund_slots(key, prefix, first, slots.granted).await {
                        core.redis_failed("refund slots", &e);
                    }
                }
            }
        }
    }

    /// Says that one use `slots` granted has just been spent: it now leaves the window a
    /// `period` from now, not from when it was taken. Upstreams count a call when it
    /// reaches them, so a use taken ahead (a reservation, a call that waited) would
    /// otherwise leave our window before it leaves theirs. Best effort, like a refund.
    pub async fn restamp_slot(&self, key: &str, slots: &Slots, period: Duration) {
        let core = self.core();
        match &slots.ticket {
            Ticket::None => {}
            Ticket::Local(at) => core.windows.restamp(key, *at),
            Ticket::Shared(prefix) => {
                if let Ok(Some(remote)) = core.healthy_remote() {
                    if let Err(e) = remote.restamp_slot(key, prefix, slots.granted, period).await {
                        core.redis_failed("restamp slot", &e);
                    }
                }
            }
        }
    }

    /// Raises the rate window `key` to at least `count` uses, on every instance (an
    /// upstream said it counted more than we did, or refused us); the uses added leave
    /// the window `hold` from now (a full `period` when the upstream's count is all we
    /// know, less to pause for a while).
    pub async fn fill_slots(&self, key: &str, count: u32, period: Duration, hold: Duration) {
        let core = self.core();
        core.windows.fill(key, count, period, hold);
        if let Ok(Some(remote)) = core.healthy_remote() {
            if let Err(e) = remote.fill_slots(key, count, period, hold).await {
                core.redis_failed("fill slots", &e);
            }
        }
    }

    /// Drops every entry whose key starts with `prefix`, on both tiers and on every
    /// instance's local tier; returns how many were dropped (best effort: the larger
    /// of the local and the Redis count). Not a freshness tool: use `invalidate`.
    pub async fn clear(&self, prefix: &str) -> u64 {
        let core = self.core();
        let local = core.local.clear_prefix(prefix);
        let Ok(Some(remote)) = core.healthy_remote() else {
            return local;
        };
        let cleared = remote.clear(prefix).await;
        let told = remote.publish(&Event::Cleared { clear: prefix.to_owned() }).await;
        match cleared.and_then(|n| told.map(|()| n)) {
            Ok(n) => n.max(local),
            Err(e) => {
                core.redis_failed("clear", &e);
                local
            }
        }
    }

    /// Every invalidation from now on, from this instance and (with Redis) the others.
    /// A degraded instance delivers its own invalidations here directly; one made just as
    /// the instance turns degraded may arrive twice.
    pub fn subscribe(&self) -> broadcast::Receiver<Invalidation> {
        self.core().invalidations.subscribe()
    }

    /// Sends `payload`, serialised to JSON once, to the `messages(topic)` receivers on
    /// every instance (only this one when there is no Redis or it is down). Fails only
    /// if `payload` cannot be serialised.
    pub async fn broadcast<T: Serialize + ?Sized>(
        &self,
        topic: &str,
        payload: &T,
    ) -> serde_json::Result<()> {
        let core = self.core();
        let payload = serde_json::to_string(payload)?;
        let event = Event::Broadcast(Message { topic: topic.into(), payload: payload.into() });
        if let Ok(Some(remote)) = core.healthy_remote() {
            match remote.publish(&event).await {
                Ok(()) => return Ok(()), // our own subscription delivers it here too
                Err(e) => core.redis_failed("broadcast", &e),
            }
        }
        core.apply(event);
        Ok(())
    }

    /// Every `broadcast` message to `topic` from now on, from this instance and the
    /// others. Each topic has its own channel: a receiver more than 256 messages of
    /// its topic behind gets `RecvError::Lagged`, and other topics never make it lag.
    /// A topic's channel is dropped once it has no receiver left.
    pub fn messages(&self, topic: &str) -> broadcast::Receiver<Message> {
        self.core().topics.subscribe(topic)
    }

    /// The counters, and the local tier's size now (after its pending evictions).
    pub fn metrics(&self) -> Metrics {
        let core = self.core();
        let (local_entries, local_bytes, oversized) = core.local.usage();
        let read_lease_held = core.lease.held() && core.healthy_remote().is_ok();
        Metrics {
            local_entries,
            local_bytes,
            oversized,
            read_lease_held,
            ..core.counters.snapshot()
        }
    }

    pub fn tier(&self) -> Tier {
        match &self.core().remote {
            None => Tier::Local,
            Some(remote) => Tier::Redis { healthy: !remote.health.is_degraded() },
        }
    }

    /// Stops the background task. The cache still answers reads afterwards, but no
    /// longer hears other instances or recovers from outages.
    pub async fn shutdown(&self) {
        self.inner.tasks.shutdown().await;
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("tier", &self.tier())
            .field("metrics", &self.metrics())
            .finish()
    }
}
