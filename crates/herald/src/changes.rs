//! The one place every committed post change passes through.
//!
//! [`Writer`] is the only way the service writes posts: it commits through the store and
//! then hands the [`Committed`] record to [`ChangeFeed::committed`], which logs it and
//! awaits the after-commit hooks (cache invalidation, server-sent events) before the
//! writer returns — so a change is acknowledged only once it is invalidated. Handlers,
//! the publisher and the scheduler never write posts through the store directly, so no
//! write point can forget to invalidate.

use crate::domain::{Post, PostStatus};
use crate::store::{ClaimFn, Committed, NewEvent, Result, Storage};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A committed change as subscribers see it.
#[derive(Debug, Clone)]
pub struct Change {
    pub post: Post,
    pub action: String,
    pub content_version: i64,
    /// Whether Ayrshare saw this change (a publish settled, an upstream delete, a
    /// webhook): only such changes make Ayrshare's history for the profile out of date.
    pub touches_upstream: bool,
}

/// Something to run after every commit (e.g. cache invalidation).
#[async_trait]
pub trait AfterCommit: Send + Sync {
    async fn after_commit(&self, change: &Change);
}

/// Runs the after-commit hooks of every committed change.
#[derive(Clone, Default)]
pub struct ChangeFeed {
    hooks: Arc<std::sync::OnceLock<Vec<Arc<dyn AfterCommit>>>>,
}

impl ChangeFeed {
    /// Installs the hooks (once, at start-up: they need services built on the writer).
    pub fn set_hooks(&self, hooks: Vec<Arc<dyn AfterCommit>>) {
        let _ = self.hooks.set(hooks);
    }

    /// Called once per commit, after the transaction committed and before the write is
    /// acknowledged to anyone.
    pub async fn committed(&self, c: &Committed) {
        let change = Change {
            post: c.post.clone(),
            action: c.event.action.clone(),
            content_version: c.content_version,
            touches_upstream: touches_upstream(c),
        };
        tracing::debug!(
            post = %change.post.id, action = %change.action, status = %change.post.status,
            version = change.post.version, content_version = change.content_version,
            upstream = change.touches_upstream, "post change committed"
        );
        for hook in self.hooks.get().into_iter().flatten() {
            hook.after_commit(&change).await;
        }
    }
}

/// Ayrshare saw the change if it settled a publish attempt, deleted upstream or came
/// from Ayrshare itself.
fn touches_upstream(c: &Committed) -> bool {
    let settled_publish =
        c.event.from == Some(PostStatus::Publishing) && c.post.status != PostStatus::Publishing;
    settled_publish || c.post.status == PostStatus::Deleted || c.event.action == "webhook"
}

/// Writes posts through the store and the change feed (see the module docs).
#[derive(Clone)]
pub struct Writer {
    store: Arc<dyn Storage>,
    feed: ChangeFeed,
}

impl Writer {
    pub fn new(store: Arc<dyn Storage>, feed: ChangeFeed) -> Self {
        Self { store, feed }
    }

    pub async fn insert(&self, post: &Post, event: &NewEvent) -> Result<Committed> {
        let c = self.store.insert_post(post, event).await?;
        self.feed.committed(&c).await;
        Ok(c)
    }

    pub async fn save(
        &self,
        expected_version: i64,
        post: &Post,
        event: &NewEvent,
    ) -> Result<Committed> {
        let c = self.store.save_post(expected_version, post, event).await?;
        self.feed.committed(&c).await;
        Ok(c)
    }

    pub async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        claim: ClaimFn<'_>,
    ) -> Result<Vec<Committed>> {
        let claimed = self.store.claim_due(now, limit, claim).await?;
        for c in &claimed {
            self.feed.committed(c).await;
        }
        Ok(claimed)
    }
}
