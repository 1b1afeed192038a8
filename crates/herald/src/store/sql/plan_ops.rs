//! [`plan_ops!`]: the [`Storage`](crate::store::Storage) operations of the posting queue,
//! keyed posts and feeds, the second link of the chain of operation macros (after [`compose_ops!`](super::compose_ops)); their
//! statements and rows are in [`plan`](super::plan), which argues their guarantees.

/// Hands the plan operations, then `$more`, on to [`review_ops!`](super::review_ops).
macro_rules! plan_ops {
    ($store:ty, $read:ident, $write:ident, $dialect:expr, { $($more:tt)* }) => {
        $crate::store::sql::review_ops!($store, $read, $write, $dialect, {
        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn queue(
            &self,
            workspace_id: &str,
        ) -> Result<Option<$crate::domain::plan::Queue>> {
            let row: Option<$crate::store::sql::plan::QueueRow> =
                sqlx::query_as(QUEUE_OF).bind(workspace_id).fetch_optional(&self.$read).await?;
            row.map(TryFrom::try_from).transpose()
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, n = items.len()))]
        async fn insert_planned(
            &self,
            workspace_id: &str,
            items: &[$crate::store::Planned],
            slots: &[DateTime<Utc>],
        ) -> Result<$crate::store::PlanOutcome> {
            use $crate::store::sql::plan::{first_free, NO_QUEUE, QUEUE_FULL};
            let mut tx = self.$write.begin().await?;
            let mut taken = std::collections::HashSet::new();
            let mut paused = false;
            if items.iter().any(|i| i.queued) {
                let locked: Option<bool> = sqlx::query_scalar(LOCK_QUEUE)
                    .bind(workspace_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                paused = locked.ok_or(NO_QUEUE)?;
                if let (Some(first), Some(last)) = (slots.first(), slots.last()) {
                    let times: Vec<Option<i64>> = sqlx::query_scalar(TAKEN_TIMES)
                        .bind(workspace_id)
                        .bind(to_ms(*first))
                        .bind(to_ms(*last))
                        .fetch_all(&mut *tx)
                        .await?;
                    taken.extend(times.into_iter().flatten());
                }
            }
            let mut outcome = $crate::store::PlanOutcome::default();
            for (i, item) in items.iter().enumerate() {
                let mut post = item.post.clone();
                if let Some(key) = &item.key {
                    let done = sqlx::query(INSERT_POST_KEY)
                        .bind(workspace_id)
                        .bind(key)
                        .bind(&post.id)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        outcome.skipped.push(i);
                        continue;
                    }
                }
                if item.queued {
                    post.schedule_at = Some(first_free(slots, &mut taken).ok_or(QUEUE_FULL)?);
                    if paused && post.status == $crate::domain::PostStatus::Scheduled {
                        post.waiting_for = Some($crate::domain::WaitingFor::QueuePaused);
                    }
                }
                insert_post_row(&mut tx, &post).await?;
                if item.queued {
                    sqlx::query(INSERT_QUEUED)
                        .bind(&post.id)
                        .bind(workspace_id)
                        .execute(&mut *tx)
                        .await?;
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
            use $crate::store::sql::plan::{first_free, NO_QUEUE, QUEUE_FULL};
            let mut tx = self.$write.begin().await?;
            let locked: Option<bool> =
                sqlx::query_scalar(LOCK_QUEUE).bind(workspace_id).fetch_optional(&mut *tx).await?;
            let paused = locked.ok_or(NO_QUEUE)?;
            let mut taken = std::collections::HashSet::new();
            if let (Some(first), Some(last)) = (slots.first(), slots.last()) {
                let times: Vec<Option<i64>> = sqlx::query_scalar(TAKEN_TIMES)
                    .bind(workspace_id)
                    .bind(to_ms(*first))
                    .bind(to_ms(*last))
                    .fetch_all(&mut *tx)
                    .await?;
                taken.extend(times.into_iter().flatten());
            }
            let mut post = post.clone();
            post.schedule_at = Some(first_free(slots, &mut taken).ok_or(QUEUE_FULL)?);
            if paused && post.status == $crate::domain::PostStatus::Scheduled {
                post.waiting_for = Some($crate::domain::WaitingFor::QueuePaused);
            }
            if !update_post_row(&mut tx, expected_version, &post).await? {
                return Err(refusal(&mut tx, &post).await?);
            }
            sqlx::query(INSERT_QUEUED).bind(&post.id).bind(workspace_id).execute(&mut *tx).await?;
            let committed = record(&mut tx, &post, event).await?;
            tx.commit().await?;
            Ok(committed)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn save_queue(
            &self,
            workspace_id: &str,
            queue: &$crate::domain::plan::Queue,
            now: DateTime<Utc>,
            slots: &[DateTime<Utc>],
            actor: &$crate::domain::Actor,
        ) -> Result<Vec<Committed>> {
            use $crate::domain::{AuditAction, WaitingFor};
            use $crate::store::sql::plan::{first_free, slots_json, QUEUE_FULL};
            let mut tx = self.$write.begin().await?;
            sqlx::query(UPSERT_QUEUE)
                .bind(workspace_id)
                .bind(slots_json(&queue.slots))
                .bind(queue.paused)
                .bind(to_ms(now))
                .execute(&mut *tx)
                .await?;
            // Pausing labels the posts not yet held; resuming releases the held ones.
            let held = i64::from(!queue.paused);
            let rows: Vec<PostRow> = sqlx::query_as(QUEUED_SCHEDULED)
                .bind(workspace_id)
                .bind(held)
                .fetch_all(&mut *tx)
                .await?;
            let mut taken = std::collections::HashSet::new();
            if let (false, Some(first), Some(last)) = (queue.paused, slots.first(), slots.last()) {
                let times: Vec<Option<i64>> = sqlx::query_scalar(TAKEN_TIMES)
                    .bind(workspace_id)
                    .bind(to_ms(*first))
                    .bind(to_ms(*last))
                    .fetch_all(&mut *tx)
                    .await?;
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
        async fn create_feed(&self, f: &$crate::domain::plan::Feed) -> Result<()> {
            sqlx::query(INSERT_RSS_FEED)
                .bind(&f.id)
                .bind(&f.workspace_id)
                .bind(&f.url)
                .bind(serde_json::to_string(&f.platforms).unwrap_or_else(|_| "[]".into()))
                .bind(&f.template)
                .bind(to_ms(f.created_at))
                .execute(&self.$write)
                .await?;
            Ok(())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn feeds(&self, workspace_id: &str) -> Result<Vec<$crate::domain::plan::Feed>> {
            let rows: Vec<$crate::store::sql::plan::RssFeedRow> =
                sqlx::query_as(WORKSPACE_RSS_FEEDS)
                    .bind(workspace_id)
                    .fetch_all(&self.$read)
                    .await?;
            rows.into_iter().map(TryFrom::try_from).collect()
        }

        #[tracing::instrument(level = "debug", skip_all, fields(feed = id))]
        async fn delete_feed(&self, workspace_id: &str, id: &str) -> Result<bool> {
            let done = sqlx::query(DELETE_RSS_FEED)
                .bind(workspace_id)
                .bind(id)
                .execute(&self.$write)
                .await?;
            Ok(done.rows_affected() == 1)
        }

        #[tracing::instrument(level = "debug", skip_all)]
        async fn claim_feeds(
            &self,
            checked_before: DateTime<Utc>,
            now: DateTime<Utc>,
            lease_until: DateTime<Utc>,
            limit: u32,
        ) -> Result<Vec<$crate::domain::plan::Feed>> {
            let rows: Vec<$crate::store::sql::plan::RssFeedRow> = sqlx::query_as(DUE_RSS_FEEDS)
                .bind(to_ms(checked_before))
                .bind(to_ms(now))
                .bind(i64::from(limit))
                .fetch_all(&self.$write)
                .await?;
            let mut claimed = Vec::with_capacity(rows.len());
            for row in rows {
                let done = sqlx::query(CLAIM_RSS_FEED)
                    .bind(&row.id)
                    .bind(to_ms(now))
                    .bind(to_ms(lease_until))
                    .execute(&self.$write)
                    .await?;
                if done.rows_affected() == 1 {
                    claimed.push(row.try_into()?);
                }
            }
            Ok(claimed)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(feed = id))]
        async fn feed_checked(
            &self,
            id: &str,
            at: DateTime<Utc>,
            error: Option<&str>,
        ) -> Result<()> {
            sqlx::query(RSS_FEED_CHECKED)
                .bind(id)
                .bind(to_ms(at))
                .bind(error)
                .execute(&self.$write)
                .await?;
            Ok(())
        }

        $($more)*
        });
    };
}
pub(in crate::store) use plan_ops;
