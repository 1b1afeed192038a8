//! [`PostStore`]: posts and their audit events: the guarded change, listing and counts, the
//! claims of due and overdue posts, the calendar, a network's load, and the record of
//! Ayrshare's webhook deliveries.
//!
//! Implemented once, for [`SqlStore`] (both backends); the statements are in
//! `sql::<area>`, a transaction's steps in `sql::<area>_steps` where it has any.

use super::backend::{on_pool, on_tx, SqlStore};
use super::rows::*;
use super::sql::search::{posts_page, Arg};
use super::sql::*;
use super::{ClaimFn, Committed, Counts, Cursor, DueQuery};
use super::{ListQuery, NewEvent, Page, Result};
use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::{Event, Post};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Posts and their audit events: the guarded change, listing and counts, the claims of due and overdue posts, the calendar, a network's load, and the record of Ayrshare's webhook deliveries.
#[async_trait]
pub trait PostStore: Send + Sync + 'static {
    /// Inserts a new post with its first event, in one transaction.
    async fn insert_post(&self, post: &Post, event: &NewEvent) -> Result<Committed>;
    /// Writes `post` (whose `version` must be `expected_version + 1`) if the stored post
    /// is still at `expected_version`, with its event, in one transaction.
    async fn save_post(
        &self,
        expected_version: i64,
        post: &Post,
        event: &NewEvent,
    ) -> Result<Committed>;
    async fn post(&self, workspace_id: &str, id: &str) -> Result<Option<Post>>;
    async fn post_by_ayrshare_id(&self, ayrshare_id: &str) -> Result<Option<Post>>;
    /// The workspace's posts among `ids`, in the order of `ids` (an id it has no post of,
    /// or given twice, is skipped), in one statement.
    async fn posts_by_ids(&self, workspace_id: &str, ids: &[String]) -> Result<Vec<Post>>;
    async fn events(&self, post_id: &str) -> Result<Vec<Event>>;
    /// A page of the workspace's posts matching `query`, in its sort; `Invalid` for a
    /// cursor of another sort.
    async fn posts(&self, workspace_id: &str, query: &ListQuery) -> Result<Page>;
    async fn counts(&self, workspace_id: &str) -> Result<Counts>;
    /// Claims up to `query.limit` posts that are due at `query.now` (`scheduled` with
    /// `schedule_at <= now`, or `publishing` with a lease that ended before `now`), of
    /// `query.workspace_id` or of every workspace, applying `claim` to each in one
    /// transaction. Due order: the earliest `schedule_at` first, a lease-expired post by
    /// its lease end, ties by id. A post is claimed by at most one caller, whatever the
    /// concurrency.
    async fn claim_due(&self, query: &DueQuery, claim: ClaimFn<'_>) -> Result<Vec<Committed>>;
    /// Per workspace, how many posts [`PostStore::claim_due`] would claim at `now`: at most
    /// `limit` workspaces, the one with the earliest due post first.
    async fn due_by_workspace(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<(String, u32)>>;
    /// The workspace's posts due at `now`, in due order, at most `limit`; reads only.
    async fn due_posts(
        &self,
        workspace_id: &str,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Post>>;
    /// The workspace's posts whose time ([`Post::time`]) is in `[from, to)`, by time then
    /// id, at most `limit`.
    async fn calendar(
        &self,
        workspace_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Post>>;
    /// Claims up to `limit` posts still `pending_approval` after their `schedule_at`
    /// (before `now`) that were never reported, marking them reported in the same
    /// transaction: each such post is returned once ever, to one caller.
    async fn claim_overdue(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Post>>;
    /// Records a webhook delivery id; false if it was seen before (at-least-once delivery).
    async fn first_delivery(&self, hook_id: &str, at: DateTime<Utc>) -> Result<bool>;
    /// How many of the workspace's posts that include `platform` are `scheduled`,
    /// `publishing`, `published` or `partially_published` with their time (`schedule_at`,
    /// else `published_at`) in `[from, to)`: what counts against a network cap.
    async fn platform_load(
        &self,
        workspace_id: &str,
        platform: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64>;
}

#[async_trait]
impl PostStore for SqlStore {
    #[tracing::instrument(
        level = "debug", skip_all, fields(workspace = %post.workspace_id, post = %post.id)
    )]
    async fn insert_post(&self, post: &Post, event: &NewEvent) -> Result<Committed> {
        let mut tx = self.write.begin().await?;
        insert_post_row(&mut tx, post).await?;
        let committed = record(&mut tx, post, event).await?;
        tx.commit().await?;
        Ok(committed)
    }

    #[tracing::instrument(
        level = "debug", skip_all, fields(workspace = %post.workspace_id, post = %post.id)
    )]
    async fn save_post(
        &self,
        expected_version: i64,
        post: &Post,
        event: &NewEvent,
    ) -> Result<Committed> {
        let mut tx = self.write.begin().await?;
        if !update_post_row(&mut tx, expected_version, post).await? {
            return Err(refusal(&mut tx, post).await?);
        }
        let committed = record(&mut tx, post, event).await?;
        tx.commit().await?;
        Ok(committed)
    }

    #[tracing::instrument(
        level = "debug", skip_all, fields(workspace = workspace_id, post = id)
    )]
    async fn post(&self, workspace_id: &str, id: &str) -> Result<Option<Post>> {
        let row: Option<PostRow> = on_pool!(&self.read, |p| sqlx::query_as(POST_BY_ID)
            .bind(workspace_id)
            .bind(id)
            .fetch_optional(p)
            .await?);
        row.map(Post::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(ayrshare = ayrshare_id))]
    async fn post_by_ayrshare_id(&self, ayrshare_id: &str) -> Result<Option<Post>> {
        let row: Option<PostRow> = on_pool!(&self.read, |p| sqlx::query_as(POST_BY_AYRSHARE_ID)
            .bind(ayrshare_id)
            .fetch_optional(p)
            .await?);
        row.map(Post::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn posts_by_ids(&self, workspace_id: &str, ids: &[String]) -> Result<Vec<Post>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = posts_by_ids_sql(ids.len());
        let rows: Vec<PostRow> = on_pool!(&self.read, |p| {
            let mut query = sqlx::query_as(&sql).bind(workspace_id);
            for id in ids {
                query = query.bind(id.as_str());
            }
            query.fetch_all(p).await?
        });
        let mut found: std::collections::HashMap<String, Post> = rows
            .into_iter()
            .map(|row| Post::try_from(row).map(|post| (post.id.clone(), post)))
            .collect::<Result<_>>()?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(post = post_id))]
    async fn events(&self, post_id: &str) -> Result<Vec<Event>> {
        let rows: Vec<EventRow> = on_pool!(&self.read, |p| sqlx::query_as(POST_EVENTS)
            .bind(post_id)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(Event::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn posts(&self, workspace_id: &str, q: &ListQuery) -> Result<Page> {
        let built =
            posts_page(workspace_id, q, &self.dialect().text_search, self.dialect().has_platform)?;
        let rows: Vec<PostRow> = on_pool!(&self.read, |p| {
            let mut query = sqlx::query_as(&built.sql);
            for arg in built.args {
                query = match arg {
                    Arg::Text(text) => query.bind(text),
                    Arg::Int(n) => query.bind(n),
                };
            }
            query.fetch_all(p).await?
        });
        let mut posts = rows.into_iter().map(Post::try_from).collect::<Result<Vec<_>>>()?;
        let more = posts.len() > q.limit as usize;
        posts.truncate(q.limit as usize);
        let next = posts.last().filter(|_| more).map(|p| Cursor::after(q.sort, p));
        Ok(Page { posts, next })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn counts(&self, workspace_id: &str) -> Result<Counts> {
        let by_status: Vec<(String, i64)> = on_pool!(&self.read, |p| sqlx::query_as(STATUS_COUNTS)
            .bind(workspace_id)
            .fetch_all(p)
            .await?);
        let by_platform: Vec<(String, i64)> =
            on_pool!(&self.read, |p| sqlx::query_as(self.dialect().platform_counts)
                .bind(workspace_id)
                .fetch_all(p)
                .await?);
        Ok(Counts {
            total: by_status.iter().map(|(_, n)| n).sum(),
            by_status: by_status.into_iter().collect(),
            by_platform: by_platform.into_iter().collect(),
        })
    }

    #[tracing::instrument(
        level = "debug", skip_all, fields(workspace = ?q.workspace_id, limit = q.limit)
    )]
    async fn claim_due(&self, q: &DueQuery, claim: ClaimFn<'_>) -> Result<Vec<Committed>> {
        let mut tx = self.write.begin().await?;
        let due = if q.workspace_id.is_some() { WORKSPACE_DUE_POSTS } else { DUE_POSTS };
        let sql = format!("{due}{}", self.dialect().claim_lock);
        let rows: Vec<PostRow> = on_tx!(tx, |c| {
            let query = sqlx::query_as(&sql).bind(to_ms(q.now)).bind(i64::from(q.limit));
            match &q.workspace_id {
                Some(ws) => query.bind(ws.as_str()),
                None => query,
            }
            .fetch_all(c)
            .await?
        });
        let mut claimed = Vec::with_capacity(rows.len());
        for row in rows {
            let post = Post::try_from(row)?;
            let Some((next, event)) = claim(&post) else { continue };
            if update_post_row(&mut tx, post.version, &next).await? {
                claimed.push(record(&mut tx, &next, &event).await?);
            }
        }
        tx.commit().await?;
        Ok(claimed)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn due_by_workspace(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<(String, u32)>> {
        let rows: Vec<(String, i64)> = on_pool!(&self.read, |p| sqlx::query_as(DUE_BY_WORKSPACE)
            .bind(to_ms(now))
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?);
        Ok(rows.into_iter().map(|(ws, n)| (ws, count(n))).collect())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn due_posts(
        &self,
        workspace_id: &str,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Post>> {
        let rows: Vec<PostRow> = on_pool!(&self.read, |p| sqlx::query_as(WORKSPACE_DUE_POSTS)
            .bind(to_ms(now))
            .bind(i64::from(limit))
            .bind(workspace_id)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(Post::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn calendar(
        &self,
        workspace_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Post>> {
        let rows: Vec<PostRow> = on_pool!(&self.read, |p| sqlx::query_as(CALENDAR)
            .bind(workspace_id)
            .bind(to_ms(from))
            .bind(to_ms(to))
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?);
        rows.into_iter().map(Post::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
    async fn claim_overdue(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Post>> {
        let rows: Vec<PostRow> =
            on_pool!(&self.write, |p| sqlx::query_as(self.dialect().claim_overdue)
                .bind(to_ms(now))
                .bind(i64::from(limit))
                .fetch_all(p)
                .await?);
        let mut posts = rows.into_iter().map(Post::try_from).collect::<Result<Vec<_>>>()?;
        posts.sort_by(|a, b| (a.schedule_at, &a.id).cmp(&(b.schedule_at, &b.id)));
        Ok(posts)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn first_delivery(&self, hook_id: &str, at: DateTime<Utc>) -> Result<bool> {
        let done = on_pool!(&self.write, |p| sqlx::query(FIRST_DELIVERY)
            .bind(hook_id)
            .bind(to_ms(at))
            .execute(p)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    #[tracing::instrument(
        level = "debug", skip_all, fields(workspace = workspace_id, platform = platform)
    )]
    async fn platform_load(
        &self,
        workspace_id: &str,
        platform: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64> {
        let [s5, s6, s7, s8] = LOAD_STATUSES.map(|s| s.as_str());
        let load: i64 = on_pool!(&self.read, |p| sqlx::query_scalar(self.dialect().platform_load)
            .bind(workspace_id)
            .bind(platform)
            .bind(to_ms(from))
            .bind(to_ms(to))
            .bind(s5)
            .bind(s6)
            .bind(s7)
            .bind(s8)
            .fetch_one(p)
            .await?);
        Ok(load)
    }
}
