//! The one place every committed post change passes through.
//!
//! [`Writer`] is the only way the service writes posts: it commits through the store and
//! then hands the [`Committed`] record to [`ChangeFeed::committed`], which awaits the
//! after-commit hooks (cache invalidation, live events) before the writer returns — so a
//! change is acknowledged only once it is invalidated. Services never write posts
//! through the store directly, so no post write can forget to invalidate. (Workspace
//! and token writes have their own chokepoint, [`crate::services::workspaces`].)

use crate::foundation::domain::plan::Queue;
use crate::foundation::domain::{Actor, AuditAction, Post, PostStatus};
use crate::storage::store::{
    ClaimFn, Committed, DueQuery, NewEvent, PlanOutcome, PlanStore, Planned,
};
use crate::storage::store::{PostStore, Result};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A committed change as subscribers see it.
#[derive(Debug, Clone)]
pub struct Change {
    pub post: Post,
    pub action: AuditAction,
    pub content_version: i64,
    /// Whether Ayrshare saw this change (a publish settled, an upstream delete, a
    /// webhook): only such changes make Ayrshare's history for the profile out of date.
    pub touches_upstream: bool,
}

impl Change {
    fn of(c: &Committed) -> Self {
        let settled_publish =
            c.event.from == Some(PostStatus::Publishing) && c.post.status != PostStatus::Publishing;
        let touches_upstream = settled_publish
            || c.post.status == PostStatus::Deleted
            || c.event.action == AuditAction::Webhook;
        Change {
            post: c.post.clone(),
            action: c.event.action,
            content_version: c.content_version,
            touches_upstream,
        }
    }
}

/// Something to run after every commit, before the change is acknowledged.
#[async_trait]
pub trait AfterCommit: Send + Sync {
    async fn after_commit(&self, change: &Change);
}

/// Runs the after-commit hooks of every committed change.
#[derive(Clone)]
pub struct ChangeFeed {
    hooks: Arc<[Arc<dyn AfterCommit>]>,
}

impl ChangeFeed {
    /// The feed and its hooks, fixed at construction (build the hooks' services first).
    pub fn new(hooks: Vec<Arc<dyn AfterCommit>>) -> Self {
        Self { hooks: hooks.into() }
    }

    /// Called once per commit, after the transaction committed and before the write is
    /// acknowledged to anyone.
    pub async fn committed(&self, c: &Committed) {
        let change = Change::of(c);
        tracing::debug!(
            post = %change.post.id, action = %change.action, status = %change.post.status,
            version = change.post.version, content_version = change.content_version,
            upstream = change.touches_upstream, "post change committed"
        );
        for hook in self.hooks.iter() {
            hook.after_commit(&change).await;
        }
    }
}

/// Writes posts through the store and the change feed (see the module docs).
#[derive(Clone)]
pub struct Writer {
    posts: Arc<dyn PostStore>,
    /// Queued and planned posts, written with their queue's slots.
    plan: Arc<dyn PlanStore>,
    feed: ChangeFeed,
}

impl Writer {
    pub fn new(posts: Arc<dyn PostStore>, plan: Arc<dyn PlanStore>, feed: ChangeFeed) -> Self {
        Self { posts, plan, feed }
    }

    pub async fn insert(&self, post: &Post, event: &NewEvent) -> Result<Committed> {
        let c = self.posts.insert_post(post, event).await?;
        self.feed.committed(&c).await;
        Ok(c)
    }

    pub async fn save(
        &self,
        expected_version: i64,
        post: &Post,
        event: &NewEvent,
    ) -> Result<Committed> {
        let c = self.posts.save_post(expected_version, post, event).await?;
        self.feed.committed(&c).await;
        Ok(c)
    }

    /// Creates posts together (keyed, or from the queue): see [`PlanStore::insert_planned`].
    pub async fn insert_planned(
        &self,
        workspace_id: &str,
        items: &[Planned],
        slots: &[DateTime<Utc>],
    ) -> Result<PlanOutcome> {
        let outcome = self.plan.insert_planned(workspace_id, items, slots).await?;
        for c in &outcome.committed {
            self.feed.committed(c).await;
        }
        Ok(outcome)
    }

    /// Saves a post at the queue's first free slot: see [`PlanStore::save_queued`].
    pub async fn save_queued(
        &self,
        workspace_id: &str,
        expected_version: i64,
        post: &Post,
        event: &NewEvent,
        slots: &[DateTime<Utc>],
    ) -> Result<Committed> {
        let c = self.plan.save_queued(workspace_id, expected_version, post, event, slots).await?;
        self.feed.committed(&c).await;
        Ok(c)
    }

    /// Writes a queue's settings and its posts' state: see [`PlanStore::save_queue`].
    pub async fn save_queue(
        &self,
        workspace_id: &str,
        queue: &Queue,
        now: DateTime<Utc>,
        slots: &[DateTime<Utc>],
        actor: &Actor,
    ) -> Result<Vec<Committed>> {
        let changed = self.plan.save_queue(workspace_id, queue, now, slots, actor).await?;
        for c in &changed {
            self.feed.committed(c).await;
        }
        Ok(changed)
    }

    pub async fn claim_due(&self, query: &DueQuery, claim: ClaimFn<'_>) -> Result<Vec<Committed>> {
        let claimed = self.posts.claim_due(query, claim).await?;
        for c in &claimed {
            self.feed.committed(c).await;
        }
        Ok(claimed)
    }
}
