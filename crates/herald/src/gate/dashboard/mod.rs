//! The dashboard read (`GET /api/workspaces/{ws}/history`) and what keeps it fresh.
//!
//! Read: the profile's Ayrshare history snapshot (cached per upstream version, see
//! [`upstream`]), then the merged view cached under the workspace's content tag and keyed
//! by that snapshot, filled once from the database ([`view`]; one view per version,
//! sliced per request). A hit touches neither the database nor Ayrshare.
//!
//! Freshness: [`Invalidator`] runs after every committed post change, before the change
//! is acknowledged. It bumps `content:{ws}` always, and `upstream:{profile}` only when the
//! change touched Ayrshare (a publish settled, an upstream delete, a webhook) — so
//! approving next week's post costs no Ayrshare call. After an upstream invalidation it
//! warms the history in the background, within the profile's read share of its Ayrshare
//! budget ([`crate::coherence::gateway`]).

mod baseline;
pub mod encoded;
pub mod monitor;
pub mod upstream;
pub mod view;

use crate::coherence::changes::{AfterCommit, Change};
use crate::coherence::error::AppResult;
use crate::coherence::gateway::Gateway;
use crate::coherence::lookups::Lookups;
use crate::foundation::domain::Workspace;
use crate::storage::cache_keys::{view_tags, Key, ProfileRef, Profiles, Tag, HISTORY_PREFIX};
use crate::storage::store::Storage;
use async_trait::async_trait;
use herald_cache::{Cache, Source};
use monitor::Monitor;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::task::TaskTracker;
use upstream::Upstream;
use view::View;

pub use baseline::Baseline;

/// How the dashboard is cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Strategy {
    /// Herald's coherent cache (the default).
    Versioned,
    /// Classic cache-aside, delete on write: a baseline to measure against.
    DeleteAfterWrite,
}

/// A dashboard answer and how it was served.
pub struct Page {
    pub view: Arc<View>,
    pub source: Source,
}

/// The dashboard read and its warming. Cheap to clone.
#[derive(Clone)]
pub struct Dashboard {
    inner: Arc<Inner>,
}

struct Inner {
    /// The whole store, for the view's four areas ([`view::load`]).
    store: Arc<dyn Storage>,
    cache: Cache,
    upstream: Upstream,
    baseline: Baseline,
    strategy: Strategy,
    warming: TaskTracker,
    /// Profiles with a warm-up already scheduled (see [`Dashboard::warm`]).
    pending_warm: Mutex<HashSet<ProfileRef>>,
    monitor: Monitor,
    /// Tests only: the next post change is not invalidated (the monitor must catch it).
    skip_one_invalidation: AtomicBool,
}

/// The freshness monitor and the test switch, as [`Dashboard::new`] takes them.
pub struct Watch {
    pub monitor: Monitor,
    pub skip_one_invalidation: bool,
}

/// Warm-ups are coalesced per profile over this delay: a burst of publishes (a scheduler
/// run) costs one history fetch, not one per post. Ayrshare's own history lags behind
/// new posts anyway, and Herald's view shows them from its database meanwhile.
pub const WARM_DELAY: Duration = Duration::from_secs(1);

impl Dashboard {
    pub fn new(
        store: Arc<dyn Storage>,
        cache: Cache,
        gateway: Gateway,
        profiles: Profiles,
        (strategy, ttl): (Strategy, Duration),
        watch: Watch,
    ) -> Self {
        let inner = Inner {
            baseline: Baseline::new(store.clone(), gateway.clone(), ttl),
            upstream: Upstream::new(gateway, cache.clone(), profiles),
            store,
            cache,
            strategy,
            warming: TaskTracker::new(),
            pending_warm: Mutex::default(),
            monitor: watch.monitor,
            skip_one_invalidation: AtomicBool::new(watch.skip_one_invalidation),
        };
        Self { inner: Arc::new(inner) }
    }

    pub fn cache(&self) -> &Cache {
        &self.inner.cache
    }

    pub fn monitor(&self) -> &Monitor {
        &self.inner.monitor
    }

    /// The dashboard answer of `ws`; a sample of them is re-checked afterwards (G11).
    pub async fn history(&self, ws: &Workspace) -> AppResult<Page> {
        self.read(ws, true).await
    }

    /// The workspace's content version in the database now.
    pub async fn content_version(&self, ws_id: &str) -> AppResult<i64> {
        Ok(self.inner.store.content_version(ws_id).await?)
    }

    #[tracing::instrument(skip_all, fields(workspace = %ws.id))]
    async fn read(&self, ws: &Workspace, sample: bool) -> AppResult<Page> {
        let inner = &self.inner;
        if inner.strategy == Strategy::DeleteAfterWrite {
            let (view, hit) = inner.baseline.history(ws).await?;
            return Ok(Page { view, source: if hit { Source::Hit } else { Source::Miss } });
        }
        let snapshot = inner.upstream.snapshot(ws).await;
        let key = Key::dashboard(&ws.id, snapshot.freshness.as_str(), snapshot.stamp);
        let fill = || {
            let (store, ws_id) = (inner.store.clone(), ws.id.clone());
            async move { view::load(store.as_ref(), &ws_id, &snapshot).await }
        };
        let tags = view_tags(&ws.id);
        let found = inner.cache.get_or_fill(key.as_str(), &tags, fill).await?;
        if sample {
            inner.monitor.sample(self, ws, &key, &found.value);
        }
        Ok(Page { view: found.value, source: found.source })
    }

    /// Drops cached history (all profiles, or one workspace's) on every tier and instance.
    pub async fn clear_history(&self, ws: Option<&Workspace>) -> u64 {
        let inner = &self.inner;
        inner.baseline.clear();
        let tags: Vec<Tag> = match ws {
            Some(ws) => vec![Tag::upstream(&ProfileRef::of(&ws.profile_key))],
            None => {
                inner.upstream.forget();
                let all = inner.store.workspaces().await.unwrap_or_default();
                all.iter().map(|w| Tag::upstream(&ProfileRef::of(&w.profile_key))).collect()
            }
        };
        if let Err(e) = inner.cache.invalidate(&tags).await {
            tracing::warn!(error = %e, "cache clear not yet seen by other instances");
        }
        let prefix = match ws {
            Some(ws) => Key::history(&ProfileRef::of(&ws.profile_key)).as_str().to_owned(),
            None => HISTORY_PREFIX.to_owned(),
        };
        inner.cache.clear(&prefix).await
    }

    /// Resolves once no warm-up is running or scheduled (tests; shutdown uses [`Self::shutdown`]).
    pub async fn settled(&self) {
        let warming = &self.inner.warming;
        warming.close();
        warming.wait().await;
        warming.reopen();
    }

    /// Waits for background warming to finish (shutdown).
    pub async fn shutdown(&self) {
        self.inner.monitor.shutdown().await;
        self.inner.warming.close();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.inner.warming.wait()).await;
    }

    /// Refills the profile's history in the background (once per [`WARM_DELAY`]), so the
    /// next dashboard read is a hit. Within the read budget like any other fetch.
    fn warm(&self, ws: Workspace) {
        let profile = ProfileRef::of(&ws.profile_key);
        let mut pending = self.inner.pending_warm.lock().unwrap_or_else(|p| p.into_inner());
        if !pending.insert(profile.clone()) {
            return;
        }
        drop(pending);
        let this = self.clone();
        self.inner.warming.spawn(async move {
            tokio::time::sleep(WARM_DELAY).await;
            this.inner.pending_warm.lock().unwrap_or_else(|p| p.into_inner()).remove(&profile);
            this.inner.upstream.snapshot(&ws).await;
        });
    }
}

/// The after-commit hook of the dashboard: invalidation and warming (see module docs).
pub struct Invalidator {
    pub dashboard: Dashboard,
    pub lookups: Lookups,
}

#[async_trait]
impl AfterCommit for Invalidator {
    async fn after_commit(&self, change: &Change) {
        let ws_id = &change.post.workspace_id;
        let ws = self.lookups.workspace(ws_id).await.ok().flatten();
        let profile = ws.as_ref().map(|w| ProfileRef::of(&w.profile_key));
        let mut tags = vec![Tag::content(ws_id)];
        if let (true, Some(profile)) = (change.touches_upstream, &profile) {
            tags.push(Tag::upstream(profile));
        }
        let d = &self.dashboard.inner;
        match (d.strategy, &ws) {
            (Strategy::Versioned, _) if d.skip_one_invalidation.swap(false, Ordering::AcqRel) => {
                tracing::warn!(workspace = %ws_id, "test switch: this post change is not invalidated");
            }
            (Strategy::Versioned, _) => {
                if let Err(e) = d.cache.invalidate(&tags).await {
                    tracing::warn!(workspace = %ws_id, error = %e, "post change not yet seen by other instances");
                }
            }
            (Strategy::DeleteAfterWrite, Some(ws)) => {
                d.baseline.delete(ws, change.touches_upstream).await
            }
            (Strategy::DeleteAfterWrite, None) => d.baseline.clear(),
        }
        let profile = profile.map(|p| p.to_string()).unwrap_or_default();
        let tags: Vec<&str> = tags.iter().map(AsRef::as_ref).collect();
        tracing::debug!(tags = %tags.join(","), %profile, action = %change.action, "cache invalidated");
        if let (true, Strategy::Versioned, Some(ws)) = (change.touches_upstream, d.strategy, ws) {
            self.dashboard.warm(ws);
        }
    }
}
