//! [`PlanStore`]: planning: the posting queue, keyed posts placed at its free slots, and
//! RSS feeds.
//!
//! Implemented once, for [`SqlStore`] (both backends); the statements are in
//! `sql::<area>`, a transaction's steps in `sql::<area>_steps` where it has any.

use super::backend::{on_pool, on_tx, SqlStore};
use super::rows::*;
use super::sql::*;
use super::Committed;
use super::{NewEvent, Result};
use super::{PlanOutcome, Planned};
use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::plan::{Feed, Queue};
use crate::foundation::domain::Post;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Planning: the posting queue, keyed posts placed at its free slots, and RSS feeds.
#[async_trait]
pub trait PlanStore: Send + Sync + 'static {
    /// The workspace's posting queue, if it was ever set.
    async fn queue(&self, workspace_id: &str) -> Result<Option<Queue>>;
    /// Creates `items` in one transaction (all or none), in order: an item whose `key`
    /// the workspace already has is skipped; a `queued` one takes the first of `slots`
    /// (ascending) at which no post of the workspace that is not draft, failed, cancelled
    /// or deleted is scheduled, nor an earlier item, labelled `queue_paused` if the queue
    /// is paused and it is scheduled. Concurrent calls never give two posts one slot nor
    /// write one key twice (`sql::plan`). `Invalid` (and nothing written) if a queued
    /// item finds no queue or no free slot.
    async fn insert_planned(
        &self,
        workspace_id: &str,
        items: &[Planned],
        slots: &[DateTime<Utc>],
    ) -> Result<PlanOutcome>;
    /// Writes `post` (as [`PostStore::save_post`](super::PostStore::save_post) does, guarded by `expected_version`) at
    /// the first of `slots` no other post holds, chosen as [`PlanStore::insert_planned`]
    /// chooses, and marks it queued.
    async fn save_queued(
        &self,
        workspace_id: &str,
        expected_version: i64,
        post: &Post,
        event: &NewEvent,
        slots: &[DateTime<Utc>],
    ) -> Result<Committed>;
    /// Writes the queue's settings and, in the same transaction, its posts' state:
    /// pausing labels its scheduled posts `queue_paused`; resuming clears the label and
    /// moves those whose time is not after `now` to the first free `slots`, in order.
    /// Returns the posts changed (each with its event, by `actor`).
    async fn save_queue(
        &self,
        workspace_id: &str,
        queue: &Queue,
        now: DateTime<Utc>,
        slots: &[DateTime<Utc>],
        actor: &crate::foundation::domain::Actor,
    ) -> Result<Vec<Committed>>;
    async fn create_feed(&self, feed: &Feed) -> Result<()>;
    /// The workspace's feeds, oldest first.
    async fn feeds(&self, workspace_id: &str) -> Result<Vec<Feed>>;
    /// Deletes a feed (the drafts it made stay); false if the workspace has no such feed.
    async fn delete_feed(&self, workspace_id: &str, id: &str) -> Result<bool>;
    /// Claims up to `limit` feeds last checked before `checked_before` (or never) whose
    /// lease ended by `now`, each held until `lease_until` by this caller alone.
    async fn claim_feeds(
        &self,
        checked_before: DateTime<Utc>,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Feed>>;
    /// Records a poll of the feed (its error, if it failed) and releases its lease.
    async fn feed_checked(&self, id: &str, at: DateTime<Utc>, error: Option<&str>) -> Result<()>;
}

#[async_trait]
impl PlanStore for SqlStore {
    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn queue(
        &self,
        workspace_id: &str,
    ) -> Result<Option<crate::foundation::domain::plan::Queue>> {
        let row: Option<crate::storage::store::sql::plan::QueueRow> =
            on_pool!(&self.read, |p| sqlx::query_as(QUEUE_OF)
                .bind(workspace_id)
                .fetch_optional(p)
                .await?);
        row.map(TryFrom::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, n = items.len()))]
    async fn insert_planned(
        &self,
        workspace_id: &str,
        items: &[crate::storage::store::Planned],
        slots: &[DateTime<Utc>],
    ) -> Result<crate::storage::store::PlanOutcome> {
        use crate::storage::store::sql::plan::{first_free, NO_QUEUE, QUEUE_FULL};
        let mut tx = self.write.begin().await?;
        let mut taken = std::collections::HashSet::new();
        let mut paused = false;
        if items.iter().any(|i| i.queued) {
            let locked: Option<bool> = on_tx!(tx, |c| sqlx::query_scalar(LOCK_QUEUE)
                .bind(workspace_id)
                .fetch_optional(c)
                .await?);
            paused = locked.ok_or(NO_QUEUE)?;
            if let (Some(first), Some(last)) = (slots.first(), slots.last()) {
                let times: Vec<Option<i64>> = on_tx!(tx, |c| sqlx::query_scalar(TAKEN_TIMES)
                    .bind(workspace_id)
                    .bind(to_ms(*first))
                    .bind(to_ms(*last))
                    .fetch_all(c)
                    .await?);
                taken.extend(times.into_iter().flatten());
            }
        }
        let mut outcome = crate::storage::store::PlanOutcome::default();
        for (i, item) in items.iter().enumerate() {
            let mut post = item.post.clone();
            if let Some(key) = &item.key {
                let done = on_tx!(tx, |c| sqlx::query(INSERT_POST_KEY)
                    .bind(workspace_id)
                    .bind(key)
                    .bind(&post.id)
                    .execute(c)
                    .await?
                    .rows_affected());
                if done == 0 {
                    outcome.skipped.push(i);
                    continue;
                }
            }
            if item.queued {
                post.schedule_at = Some(first_free(slots, &mut taken).ok_or(QUEUE_FULL)?);
                if paused && post.status == crate::foundation::domain::PostStatus::Scheduled {
                    post.waiting_for = Some(crate::foundation::domain::WaitingFor::QueuePaused);
                }
            }
            insert_post_row(&mut tx, &post).await?;
            if item.queued {
                on_tx!(tx, |c| sqlx::query(INSERT_QUEUED)
                    .bind(&post.id)
                    .bind(workspace_id)
                    .execute(c)
                    .await?
                    .rows_affected());
            }
            outcome.committed.push(record(&mut tx, &post, &item.event).await?);
        }
        tx.commit().await?;
        Ok(outcome)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(post = %post.id))]
    async fn save_queued(
        &self,
        workspace_id: &str,
        expected_version: i64,
        post: &Post,
        event: &NewEvent,
        slots: &[DateTime<Utc>],
    ) -> Result<Committed> {
        use crate::storage::store::sql::plan::{first_free, NO_QUEUE, QUEUE_FULL};
        let mut tx = self.write.begin().await?;
        let locked: Option<bool> = on_tx!(tx, |c| sqlx::query_scalar(LOCK_QUEUE)
            .bind(workspace_id)
            .fetch_optional(c)
            .await?);
        let paused = locked.ok_or(NO_QUEUE)?;
        let mut taken = std::collections::HashSet::new();
        if let (Some(first), Some(last)) = (slots.first(), slots.last()) {
            let times: Vec<Option<i64>> = on_tx!(tx, |c| sqlx::query_scalar(TAKEN_TIMES)
                .bind(workspace_id)
                .bind(to_ms(*first))
                .bind(to_ms(*last))
                .fetch_all(c)
                .await?);
            taken.extend(times.into_iter().flatten());
        }
        let mut post = post.clone();
        post.schedule_at = Some(first_free(slots, &mut taken).ok_or(QUEUE_FULL)?);
        if paused && post.status == crate::foundation::domain::PostStatus::Scheduled {
            post.waiting_for = Some(crate::foundation::domain::WaitingFor::QueuePaused);
        }
        if !update_post_row(&mut tx, expected_version, &post).await? {
            return Err(refusal(&mut tx, &post).await?);
        }
        on_tx!(tx, |c| sqlx::query(INSERT_QUEUED)
            .bind(&post.id)
            .bind(workspace_id)
            .execute(c)
            .await?
            .rows_affected());
        let committed = record(&mut tx, &post, event).await?;
        tx.commit().await?;
        Ok(committed)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn save_queue(
        &self,
        workspace_id: &str,
        queue: &crate::foundation::domain::plan::Queue,
        now: DateTime<Utc>,
        slots: &[DateTime<Utc>],
        actor: &crate::foundation::domain::Actor,
    ) -> Result<Vec<Committed>> {
        use crate::foundation::domain::{AuditAction, WaitingFor};
        use crate::storage::store::sql::plan::{first_free, slots_json, QUEUE_FULL};
        let mut tx = self.write.begin().await?;
        on_tx!(tx, |c| sqlx::query(UPSERT_QUEUE)
            .bind(workspace_id)
            .bind(slots_json(&queue.slots))
            .bind(queue.paused)
            .bind(to_ms(now))
            .execute(c)
            .await?
            .rows_affected());
        // Pausing labels the posts not yet held; resuming releases the held ones.
        let held = i64::from(!queue.paused);
        let rows: Vec<PostRow> = on_tx!(tx, |c| sqlx::query_as(QUEUED_SCHEDULED)
            .bind(workspace_id)
            .bind(held)
            .fetch_all(c)
            .await?);
        let mut taken = std::collections::HashSet::new();
        if let (false, Some(first), Some(last)) = (queue.paused, slots.first(), slots.last()) {
            let times: Vec<Option<i64>> = on_tx!(tx, |c| sqlx::query_scalar(TAKEN_TIMES)
                .bind(workspace_id)
                .bind(to_ms(*first))
                .bind(to_ms(*last))
                .fetch_all(c)
                .await?);
            taken.extend(times.into_iter().flatten());
        }
        let mut changed = Vec::with_capacity(rows.len());
        for row in rows {
            let before = Post::try_from(row)?;
            let mut next = before.clone();
            let (action, comment) = if queue.paused {
                next.waiting_for = Some(WaitingFor::QueuePaused);
                (AuditAction::Wait, "the queue is paused")
            } else {
                next.waiting_for = None;
                if next.schedule_at.is_some_and(|at| at <= now) {
                    next.schedule_at = Some(first_free(slots, &mut taken).ok_or(QUEUE_FULL)?);
                }
                (AuditAction::Reschedule, "the queue resumed")
            };
            next.version = before.version + 1;
            next.updated_at = now;
            let event = NewEvent {
                actor: actor.clone(),
                action,
                comment: Some(comment.to_owned()),
                from: Some(before.status),
            };
            if update_post_row(&mut tx, before.version, &next).await? {
                changed.push(record(&mut tx, &next, &event).await?);
            }
        }
        tx.commit().await?;
        Ok(changed)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(feed = %f.id))]
    async fn create_feed(&self, f: &crate::foundation::domain::plan::Feed) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(INSERT_RSS_FEED)
            .bind(&f.id)
            .bind(&f.workspace_id)
            .bind(&f.url)
            .bind(serde_json::to_string(&f.platforms).unwrap_or_else(|_| "[]".into()))
            .bind(&f.template)
            .bind(to_ms(f.created_at))
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn feeds(
        &self,
        workspace_id: &str,
    ) -> Result<Vec<crate::foundation::domain::plan::Feed>> {
        let rows: Vec<crate::storage::store::sql::plan::RssFeedRow> =
            on_pool!(&self.read, |p| sqlx::query_as(WORKSPACE_RSS_FEEDS)
                .bind(workspace_id)
                .fetch_all(p)
                .await?);
        rows.into_iter().map(TryFrom::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(feed = id))]
    async fn delete_feed(&self, workspace_id: &str, id: &str) -> Result<bool> {
        let done = on_pool!(&self.write, |p| sqlx::query(DELETE_RSS_FEED)
            .bind(workspace_id)
            .bind(id)
            .execute(p)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn claim_feeds(
        &self,
        checked_before: DateTime<Utc>,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<crate::foundation::domain::plan::Feed>> {
        let rows: Vec<crate::storage::store::sql::plan::RssFeedRow> =
            on_pool!(&self.write, |p| sqlx::query_as(DUE_RSS_FEEDS)
                .bind(to_ms(checked_before))
                .bind(to_ms(now))
                .bind(i64::from(limit))
                .fetch_all(p)
                .await?);
        let mut claimed = Vec::with_capacity(rows.len());
        for row in rows {
            let done = on_pool!(&self.write, |p| sqlx::query(CLAIM_RSS_FEED)
                .bind(&row.id)
                .bind(to_ms(now))
                .bind(to_ms(lease_until))
                .execute(p)
                .await?
                .rows_affected());
            if done == 1 {
                claimed.push(row.try_into()?);
            }
        }
        Ok(claimed)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(feed = id))]
    async fn feed_checked(&self, id: &str, at: DateTime<Utc>, error: Option<&str>) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(RSS_FEED_CHECKED)
            .bind(id)
            .bind(to_ms(at))
            .bind(error)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }
}
