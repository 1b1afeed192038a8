//! The dashboard read (`GET /api/workspaces/{ws}/history`) and what keeps it fresh.
//!
//! Read: the profile's Ayrshare history snapshot (cached per upstream version, see
//! [`upstream`]), then the merged view cached under the workspace's content tag and keyed
//! by that snapshot, filled once from the database. A hit touches neither the database
//! nor Ayrshare.
//!
//! Freshness: [`Invalidator`] runs after every committed post change, before the change
//! is acknowledged. It bumps `content:{ws}` always, and `upstream:{profile}` only when the
//! change touched Ayrshare (a publish settled, an upstream delete, a webhook) — so
//! approving next week's post costs no Ayrshare call. After an upstream invalidation it
//! warms the history in the background, within the profile's read budget. It also fans
//! the change out as server-sent events.

mod baseline;
pub mod upstream;
pub mod view;

use crate::changes::{AfterCommit, Change};
use crate::domain::Workspace;
use crate::error::AppResult;
use crate::lookups::Lookups;
use crate::store::{ListQuery, Storage};
use async_trait::async_trait;
use herald_cache::Cache;
use serde_json::json;
use std::collections::HashSet;
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

/// The tag every change to a workspace's posts bumps.
pub fn content_tag(workspace_id: &str) -> String {
    format!("content:{workspace_id}")
}

/// The SSE topic of a workspace.
pub fn events_topic(workspace_id: &str) -> String {
    format!("ws:{workspace_id}")
}

/// A dashboard answer and how it was served (`hit`, `miss` or `bypass`).
pub struct Page {
    pub view: Arc<View>,
    pub source: &'static str,
}

#[derive(Clone)]
pub struct Dashboard {
    store: Arc<dyn Storage>,
    cache: Cache,
    upstream: Upstream,
    baseline: Baseline,
    strategy: Strategy,
    warming: TaskTracker,
    /// Profiles with a warm-up already scheduled (see [`Dashboard::warm`]).
    pending_warm: Arc<Mutex<HashSet<String>>>,
}

/// Warm-ups are coalesced per profile over this delay: a burst of publishes (a scheduler
/// run) costs one history fetch, not one per post. Ayrshare's own history lags behind
/// new posts anyway, and Herald's view shows them from its database meanwhile.
pub const WARM_DELAY: Duration = Duration::from_secs(1);

impl Dashboard {
    pub fn new(
        store: Arc<dyn Storage>,
        cache: Cache,
        client: ayrshare::Client,
        strategy: Strategy,
        ttl: Duration,
    ) -> Self {
        Self {
            baseline: Baseline::new(store.clone(), client.clone(), ttl),
            upstream: Upstream::new(client, cache.clone()),
            store,
            cache,
            strategy,
            warming: TaskTracker::new(),
            pending_warm: Arc::default(),
        }
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    pub async fn history(&self, ws: &Workspace, limit: usize) -> AppResult<Page> {
        if self.strategy == Strategy::DeleteAfterWrite {
            let (view, hit) = self.baseline.history(ws, limit).await?;
            return Ok(Page { view, source: if hit { "hit" } else { "miss" } });
        }
        let snapshot = self.upstream.snapshot(ws).await;
        let key = format!("dashboard:{}:{limit}:{}", ws.id, snapshot.id());
        let (store, ws_id) = (self.store.clone(), ws.id.clone());
        let fill = move || async move {
            let page = store
                .posts(&ws_id, &ListQuery { status: None, limit: limit as u32, cursor: None })
                .await;
            let counts = store.counts(&ws_id).await;
            match (page, counts) {
                (Ok(page), Ok(counts)) => {
                    Ok(view::build(&ws_id, &page.posts, counts, &snapshot, limit))
                }
                (Err(e), _) | (_, Err(e)) => Err(Arc::new(e)),
            }
        };
        let found =
            self.cache.get_or_fill(&key, &[content_tag(&ws.id)], fill).await.map_err(unshare)?;
        Ok(Page { view: found.value, source: found.source.as_str() })
    }

    /// Drops cached history (all profiles, or one workspace's) on every tier and instance.
    pub async fn clear_history(&self, ws: Option<&Workspace>) -> u64 {
        self.baseline.clear();
        match ws {
            Some(ws) => {
                self.cache.invalidate(&[upstream::upstream_tag(ws)]).await;
                self.cache.clear(&upstream::history_key(ws)).await
            }
            None => {
                self.upstream.forget();
                let workspaces = self.store.workspaces().await.unwrap_or_default();
                let tags: Vec<String> = workspaces.iter().map(upstream::upstream_tag).collect();
                self.cache.invalidate(&tags).await;
                self.cache.clear("ayrshare:history:").await
            }
        }
    }

    /// Waits for background warming to finish (shutdown).
    pub async fn shutdown(&self) {
        self.warming.close();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.warming.wait()).await;
    }

    /// Refills the profile's history in the background (once per [`WARM_DELAY`]), so the
    /// next dashboard read is a hit. Within the read budget like any other fetch.
    fn warm(&self, ws: Workspace) {
        let digest = upstream::profile_digest(&ws);
        if !self.pending_warm.lock().unwrap_or_else(|p| p.into_inner()).insert(digest.clone()) {
            return;
        }
        let (upstream, pending) = (self.upstream.clone(), self.pending_warm.clone());
        self.warming.spawn(async move {
            tokio::time::sleep(WARM_DELAY).await;
            pending.lock().unwrap_or_else(|p| p.into_inner()).remove(&digest);
            upstream.snapshot(&ws).await;
        });
    }
}

fn unshare(e: Arc<crate::store::StoreError>) -> crate::error::AppError {
    match Arc::try_unwrap(e) {
        Ok(e) => e.into(),
        Err(shared) => crate::error::AppError::Unavailable(shared.to_string()),
    }
}

/// The after-commit hook: invalidation, events, warming (see the module docs).
pub struct Invalidator {
    pub dashboard: Dashboard,
    pub lookups: Lookups,
}

#[async_trait]
impl AfterCommit for Invalidator {
    async fn after_commit(&self, change: &Change) {
        let ws_id = &change.post.workspace_id;
        let ws = self.lookups.workspace(ws_id).await.ok().flatten();
        let mut tags = vec![content_tag(ws_id)];
        if let (true, Some(ws)) = (change.touches_upstream, &ws) {
            tags.push(upstream::upstream_tag(ws));
        }
        let d = &self.dashboard;
        match (d.strategy, &ws) {
            (Strategy::Versioned, _) => d.cache.invalidate(&tags).await,
            (Strategy::DeleteAfterWrite, Some(ws)) => {
                d.baseline.delete(ws, change.touches_upstream).await
            }
            (Strategy::DeleteAfterWrite, None) => d.baseline.clear(),
        }
        let hint = ws.as_ref().map(|w| w.profile_key.hint()).unwrap_or_default();
        tracing::info!(tags = %tags.join(","), profile = %hint, action = %change.action, "cache invalidated");
        let topic = events_topic(ws_id);
        d.cache.broadcast(&topic, json!({"event": "post", "data": change.post})).await;
        d.cache
            .broadcast(
                &topic,
                json!({"event": "history", "data": {"version": change.content_version}}),
            )
            .await;
        if let (true, Strategy::Versioned, Some(ws)) = (change.touches_upstream, d.strategy, ws) {
            d.warm(ws);
        }
    }
}
