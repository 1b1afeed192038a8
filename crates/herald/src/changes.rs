//! The one place every committed post change passes through.
//!
//! [`Writer`] is the only way the service writes posts: it commits through the store and
//! then hands the [`Committed`] record to [`ChangeFeed::committed`], which logs it,
//! publishes it to subscribers (server-sent events) and runs the after-commit hooks
//! (cache invalidation). Handlers, the publisher and the scheduler never write posts
//! through the store directly, so no write point can forget to invalidate.

use crate::domain::{Post, PostStatus};
use crate::store::{ClaimFn, Committed, NewEvent, Result, Storage};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::broadcast;

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
pub trait AfterCommit: Send + Sync {
    fn after_commit(&self, change: &Change);
}

/// Fans committed changes out to hooks and subscribers.
#[derive(Clone)]
pub struct ChangeFeed {
    sender: broadcast::Sender<Arc<Change>>,
    hooks: Arc<Vec<Arc<dyn AfterCommit>>>,
}

impl ChangeFeed {
    pub fn new(hooks: Vec<Arc<dyn AfterCommit>>) -> Self {
        let (sender, _) = broadcast::channel(1024);
        Self { sender, hooks: Arc::new(hooks) }
    }

    /// Called once per commit, after the transaction committed and before the write is
    /// acknowledged to anyone.
    pub fn committed(&self, c: &Committed) {
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
        for hook in self.hooks.iter() {
            hook.after_commit(&change);
        }
        // No subscribers is fine: nobody is watching.
        let _ = self.sender.send(Arc::new(change));
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.sender.subscribe()
    }
}

/// Ayrshare saw the change if it settled a publish attempt, deleted upstream or came
/// from Ayrshare itself.
fn touches_upstream(c: &Committed) -> bool {
    let settled_publish = c.event.from == Some(PostStatus::Publishing) && c.post.status != PostStatus::Publishing;
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

    pub fn feed(&self) -> &ChangeFeed {
        &self.feed
    }

    pub async fn insert(&self, post: &Post, event: &NewEvent) -> Result<Committed> {
        let c = self.store.insert_post(post, event).await?;
        self.feed.committed(&c);
        Ok(c)
    }

    pub async fn save(&self, expected_version: i64, post: &Post, event: &NewEvent) -> Result<Committed> {
        let c = self.store.save_post(expected_version, post, event).await?;
        self.feed.committed(&c);
        Ok(c)
    }

    pub async fn claim_due(&self, now: DateTime<Utc>, limit: u32, claim: ClaimFn<'_>) -> Result<Vec<Committed>> {
        let claimed = self.store.claim_due(now, limit, claim).await?;
        for c in &claimed {
            self.feed.committed(c);
        }
        Ok(claimed)
    }
}
