//! `HERALD_CACHE_STRATEGY=delete-after-write`: the classic cache-aside the original system
//! used, kept only to measure Herald against. The merged view is cached per workspace with
//! a TTL and deleted after each write; Ayrshare history likewise, deleted after changes
//! that touch Ayrshare. No versions, no single-flight, in-process only — so a reader that
//! filled before a write can store its old copy after the delete (a stale read until the
//! TTL), and every reader that misses after a delete calls Ayrshare.

use super::upstream::{Freshness, Snapshot, UpstreamPost};
use super::view::{self, View};
use crate::coherence::error::AppResult;
use crate::coherence::gateway::{Gateway, Spend};
use crate::foundation::domain::Workspace;
use crate::storage::cache_keys::{Key, ProfileRef};
use crate::storage::store::Storage;
use chrono::Utc;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct Baseline {
    /// The whole store, for the view's four areas ([`view::load`]).
    store: Arc<dyn Storage>,
    gateway: Gateway,
    views: moka::future::Cache<String, Arc<View>>,
    history: moka::future::Cache<String, Arc<Snapshot>>,
}

impl Baseline {
    pub fn new(store: Arc<dyn Storage>, gateway: Gateway, ttl: Duration) -> Self {
        let views = moka::future::Cache::builder().time_to_live(ttl).build();
        let history = moka::future::Cache::builder().time_to_live(ttl).build();
        Self { store, gateway, views, history }
    }

    /// Get, or compute and set: (view, whether it was a hit).
    pub async fn history(&self, ws: &Workspace) -> AppResult<(Arc<View>, bool)> {
        let key = format!("dashboard:{}", ws.id);
        if let Some(v) = self.views.get(&key).await {
            return Ok((v, true));
        }
        let snapshot = self.upstream(ws).await;
        let view = Arc::new(view::load(self.store.as_ref(), &ws.id, &snapshot).await?);
        self.views.insert(key, view.clone()).await;
        Ok((view, false))
    }

    async fn upstream(&self, ws: &Workspace) -> Arc<Snapshot> {
        let key = Key::history(&ProfileRef::of(&ws.profile_key)).as_str().to_owned();
        if let Some(s) = self.history.get(&key).await {
            return s;
        }
        let query =
            ayrshare::HistoryQuery { limit: Some(1000), last_days: Some(0), ..Default::default() };
        let snapshot = match self.gateway.history(ws, Spend::Read, &query).await {
            Ok(reply) => Snapshot {
                posts: Arc::new(reply.body.items.into_iter().map(UpstreamPost::from).collect()),
                as_of: Some(Utc::now()),
                freshness: Freshness::Fresh,
                stamp: rand::random(),
            },
            Err(_) => Snapshot {
                posts: Arc::new(vec![]),
                as_of: None,
                freshness: Freshness::Unavailable,
                stamp: 0,
            },
        };
        let snapshot = Arc::new(snapshot);
        self.history.insert(key, snapshot.clone()).await;
        snapshot
    }

    /// Delete-after-write: drop the workspace's views, and its history if Ayrshare changed.
    pub async fn delete(&self, ws: &Workspace, upstream: bool) {
        self.views.invalidate(&format!("dashboard:{}", ws.id)).await;
        if upstream {
            let key = Key::history(&ProfileRef::of(&ws.profile_key));
            self.history.invalidate(key.as_str()).await;
        }
    }

    pub fn clear(&self) {
        self.views.invalidate_all();
        self.history.invalidate_all();
    }
}
