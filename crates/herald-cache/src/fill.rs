//! One fill for one versioned key, run once per instance and shared by its readers:
//! local-only (fill, then keep it if the versions did not move), or through Redis
//! (find the entry or take the lease, fill while renewing it, compare-and-set store).
//! A guard inside the fill takes it out of the in-flight map (`flight.rs`) when it ends,
//! so `flight` knows nothing of `Core` and the module graph has no cycle.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::time::{sleep, Instant};

use crate::core::Core;
use crate::entry;
use crate::key::VKey;
use crate::metrics::bump;
use crate::remote::{Acquire, Remote};
use crate::types::{Lookup, Source};
use crate::weigh::Weigh;

/// How often a lease waiter re-checks Redis when no `filled` message woke it.
const RECHECK: Duration = Duration::from_millis(25);

/// Lives inside a fill's future: removes the fill from the in-flight map when the
/// future completes or is dropped, after the fill has stored its result.
struct FlightGuard {
    core: Arc<Core>,
    vk: VKey,
    id: u64,
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        self.core.flights.finish(&self.vk, self.id);
    }
}

/// The body of a shared fill. Its guard leaves the in-flight map only after the
/// result is in the local tier. An error is wrapped once, so every reader of the fill
/// gets the same `Arc<E>`.
pub(crate) async fn run<V, E, Fut>(
    core: Arc<Core>,
    vk: VKey,
    tags: Vec<String>,
    fut: Fut,
    id: u64,
) -> Result<Lookup<V>, Arc<E>>
where
    V: Serialize + DeserializeOwned + Weigh + Send + Sync + 'static,
    E: Send + Sync + 'static,
    Fut: Future<Output = Result<V, E>> + Send + 'static,
{
    let _guard = FlightGuard { core: core.clone(), vk: vk.clone(), id };
    let found = match &core.remote {
        None => fill_locally(&core, &vk, &tags, fut).await,
        Some(remote) => fill_shared(&core, remote, &vk, &tags, fut).await,
    };
    found.map_err(Arc::new)
}

fn filled<V>(value: V, filled_at: chrono::DateTime<Utc>) -> Lookup<V> {
    Lookup { value: Arc::new(value), source: Source::Miss, stamp: rand::random(), filled_at }
}

async fn fill_locally<V, E>(
    core: &Core,
    vk: &VKey,
    tags: &[String],
    fut: impl Future<Output = Result<V, E>>,
) -> Result<Lookup<V>, E>
where
    V: Weigh + Send + Sync + 'static,
{
    let filled_at = Utc::now();
    let found = filled(core.run_fill(fut).await?, filled_at);
    if core.versions.still(tags, &vk.versions) {
        core.local.insert(vk, tags, &found);
    } else {
        bump(&core.counters.stale_fills_rejected);
    }
    Ok(found)
}

/// What a reader that missed both tiers is allowed to do.
enum Turn<V> {
    /// Another instance stored it meanwhile.
    Found(Lookup<V>),
    /// We hold the lease: fill, store, release.
    Leased(String),
    /// `fill_wait` passed without an entry: fill and store without a lease.
    TimedOut,
    /// Redis failed (or holds something unreadable there): fill, store nothing.
    Unavailable,
}

async fn fill_shared<V, E>(
    core: &Core,
    remote: &Remote,
    vk: &VKey,
    tags: &[String],
    fut: impl Future<Output = Result<V, E>>,
) -> Result<Lookup<V>, E>
where
    V: Serialize + DeserializeOwned + Weigh + Send + Sync + 'static,
{
    let (keep, lease) = match take_turn(core, remote, vk, tags).await {
        Turn::Found(found) => {
            core.local.insert(vk, tags, &found);
            return Ok(found);
        }
        Turn::Leased(token) => (true, Some(token)),
        Turn::TimedOut => (true, None),
        Turn::Unavailable => (false, None),
    };
    let lease = lease.as_deref();
    let filled_at = Utc::now();
    let value = match lease {
        Some(token) => fill_renewing(core, remote, vk, token, fut).await,
        None => core.run_fill(fut).await,
    };
    let value = match value {
        Ok(value) => value,
        Err(e) => {
            release(core, remote, vk, lease).await;
            return Err(e);
        }
    };
    let found = filled(value, filled_at);
    if keep {
        store(core, remote, vk, tags, &found, lease).await;
    }
    Ok(found)
}

/// Finds the entry or takes the lease; while another instance holds it, waits for its
/// `filled` message (or re-checks every 25 ms) up to `fill_wait`.
async fn take_turn<V: DeserializeOwned>(
    core: &Core,
    remote: &Remote,
    vk: &VKey,
    tags: &[String],
) -> Turn<V> {
    let waiter = remote.register(&remote.names.entry(vk));
    let token = format!("{:016x}", rand::random::<u64>());
    let deadline = Instant::now() + core.config.fill_wait;
    let mut waited = false;
    loop {
        match remote.acquire(vk, &token, core.config.lease_ttl).await {
            Err(e) => {
                core.redis_failed("acquire lease", &e);
                return Turn::Unavailable;
            }
            Ok(Acquire::Leased) => return Turn::Leased(token),
            Ok(Acquire::Found(json)) => {
                return entry::decode(&json, vk, tags).map_or(Turn::Unavailable, Turn::Found);
            }
            Ok(Acquire::Busy) if !waited => {
                waited = true;
                bump(&core.counters.lease_waits);
            }
            Ok(Acquire::Busy) => {}
        }
        let now = Instant::now();
        if now >= deadline {
            return Turn::TimedOut;
        }
        tokio::select! {
            _ = waiter.notify.notified() => {}
            _ = sleep(RECHECK.min(deadline - now)) => {}
        }
    }
}

/// Runs the fill while extending our lease every third of its TTL, so a slow fill
/// does not let another instance take over and fill a second time.
async fn fill_renewing<V, E>(
    core: &Core,
    remote: &Remote,
    vk: &VKey,
    token: &str,
    fut: impl Future<Output = Result<V, E>>,
) -> Result<V, E> {
    let every = (core.config.lease_ttl / 3).max(Duration::from_millis(10));
    let fill = core.run_fill(fut);
    tokio::pin!(fill);
    let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
    loop {
        tokio::select! {
            out = &mut fill => return out,
            _ = ticks.tick() => {
                if let Err(e) = remote.renew(vk, token, core.config.lease_ttl).await {
                    core.redis_failed("renew lease", &e);
                }
            }
        }
    }
}

/// Compare-and-set store; the local tier keeps the value only if Redis accepted it.
async fn store<V: Serialize + Weigh + Send + Sync + 'static>(
    core: &Core,
    remote: &Remote,
    vk: &VKey,
    tags: &[String],
    found: &Lookup<V>,
    lease: Option<&str>,
) {
    let json = match entry::encode(vk, tags, found) {
        Ok(json) => json,
        Err(e) => {
            tracing::warn!(error = %e, key = %vk.key, "value cannot be cached as JSON");
            return release(core, remote, vk, lease).await;
        }
    };
    match remote.store(vk, tags, &json, core.config.ttl, lease).await {
        Ok(true) => core.local.insert(vk, tags, found),
        Ok(false) => bump(&core.counters.stale_fills_rejected),
        Err(e) => core.redis_failed("store entry", &e),
    }
}

/// Gives up our lease (if we hold one) so a waiter can take over.
async fn release(core: &Core, remote: &Remote, vk: &VKey, lease: Option<&str>) {
    let Some(token) = lease else {
        return;
    };
    if let Err(e) = remote.release(vk, token).await {
        core.redis_failed("release lease", &e);
    }
}
