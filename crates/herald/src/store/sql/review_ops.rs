//! [`review_ops!`]: the [`Storage`](crate::store::Storage) operations of comments and
//! client review links, the third link of the chain of operation macros (after [`plan_ops!`](super::plan_ops)); their
//! statements and rows are in [`review`](super::review), which argues their guarantees.

/// Hands the review operations, then `$more`, on to [`webhook_ops!`](super::webhook_ops)
/// as tokens.
macro_rules! review_ops {
    ($store:ty, $read:ident, $write:ident, $dialect:expr, { $($more:tt)* }) => {
        $crate::store::sql::webhook_ops!($store, $read, $write, $dialect, {
        #[tracing::instrument(level = "debug", skip_all, fields(post = %c.post_id))]
        async fn add_comment(
            &self,
            c: &$crate::domain::review::Comment,
            notifications: &[NewNotification],
            mails: &[NewMail],
            webhooks: &[$crate::domain::webhooks::NewDelivery],
        ) -> Result<Vec<Notification>> {
            let mut tx = self.$write.begin().await?;
            let post: Option<String> = sqlx::query_scalar(POST_IN_WORKSPACE)
                .bind(&c.workspace_id)
                .bind(&c.post_id)
                .fetch_optional(&mut *tx)
                .await?;
            if post.is_none() {
                return Err(StoreError::NotFound);
            }
            sqlx::query(INSERT_COMMENT)
                .bind(&c.id)
                .bind(&c.workspace_id)
                .bind(&c.post_id)
                .bind(c.author.to_string())
                .bind(&c.text)
                .bind(review::ids_json(&c.mentions))
                .bind(to_ms(c.created_at))
                .execute(&mut *tx)
                .await?;
            let mut created = Vec::new();
            for n in notifications {
                if insert_notification(&mut tx, n).await? {
                    created.push(Notification::from(n));
                }
            }
            for mail in mails {
                if let Some(n) = created.iter().find(|n| n.id == mail.notification_id) {
                    insert_mail(&mut tx, mail, n.created_at).await?;
                }
            }
            for m in webhooks {
                sqlx::query(INSERT_DELIVERY)
                    .bind(&m.id)
                    .bind(&m.endpoint_id)
                    .bind(&m.source)
                    .bind(m.event_type.as_str())
                    .bind(&m.post_id)
                    .bind(m.post_seq)
                    .bind(&m.body)
                    .bind(to_ms(m.created_at))
                    .bind(to_ms(m.give_up_at))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(created)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(post = post_id))]
        async fn comments(
            &self,
            workspace_id: &str,
            post_id: &str,
        ) -> Result<Vec<$crate::domain::review::Comment>> {
            let rows: Vec<review::CommentRow> = sqlx::query_as(POST_COMMENTS)
                .bind(workspace_id)
                .bind(post_id)
                .fetch_all(&self.$read)
                .await?;
            rows.into_iter().map(TryFrom::try_from).collect()
        }

        #[tracing::instrument(level = "debug", skip_all, fields(comment = id))]
        async fn comment(
            &self,
            workspace_id: &str,
            post_id: &str,
            id: &str,
        ) -> Result<Option<$crate::domain::review::Comment>> {
            let row: Option<review::CommentRow> = sqlx::query_as(COMMENT_BY_ID)
                .bind(workspace_id)
                .bind(post_id)
                .bind(id)
                .fetch_optional(&self.$read)
                .await?;
            row.map(TryFrom::try_from).transpose()
        }

        #[tracing::instrument(level = "debug", skip_all, fields(comment = id))]
        async fn delete_comment(&self, workspace_id: &str, post_id: &str, id: &str) -> Result<bool> {
            let done = sqlx::query(DELETE_COMMENT)
                .bind(workspace_id)
                .bind(post_id)
                .bind(id)
                .execute(&self.$write)
                .await?;
            Ok(done.rows_affected() == 1)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(link = %l.id))]
        async fn create_review_link(&self, l: &$crate::domain::review::ReviewLink) -> Result<()> {
            sqlx::query(INSERT_REVIEW_LINK)
                .bind(&l.id)
                .bind(&l.workspace_id)
                .bind(&l.secret_hash)
                .bind(review::ids_json(&l.post_ids))
                .bind(&l.reviewer_name)
                .bind(&l.reviewer_email)
                .bind(l.can_decide)
                .bind(l.created_by.to_string())
                .bind(to_ms(l.created_at))
                .bind(to_ms(l.expires_at))
                .execute(&self.$write)
                .await?;
            Ok(())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn review_links(
            &self,
            workspace_id: &str,
        ) -> Result<Vec<$crate::domain::review::ReviewLink>> {
            let rows: Vec<review::ReviewLinkRow> = sqlx::query_as(WORKSPACE_REVIEW_LINKS)
                .bind(workspace_id)
                .fetch_all(&self.$read)
                .await?;
            rows.into_iter().map(TryFrom::try_from).collect()
        }

        #[tracing::instrument(level = "debug", skip_all)]
        async fn review_link_by_hash(
            &self,
            hash: &str,
        ) -> Result<Option<$crate::domain::review::ReviewLink>> {
            let row: Option<review::ReviewLinkRow> = sqlx::query_as(REVIEW_LINK_BY_HASH)
                .bind(hash)
                .fetch_optional(&self.$read)
                .await?;
            row.map(TryFrom::try_from).transpose()
        }

        #[tracing::instrument(level = "debug", skip_all, fields(link = id))]
        async fn revoke_review_link(
            &self,
            workspace_id: &str,
            id: &str,
            at: DateTime<Utc>,
        ) -> Result<bool> {
            sqlx::query(REVOKE_REVIEW_LINK)
                .bind(workspace_id)
                .bind(id)
                .bind(to_ms(at))
                .execute(&self.$write)
                .await?;
            let found: Option<String> = sqlx::query_scalar(REVIEW_LINK_EXISTS)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(&self.$write)
                .await?;
            Ok(found.is_some())
        }

        #[tracing::instrument(level = "debug", skip_all)]
        async fn take_review_reminders(
            &self,
            expiring_before: DateTime<Utc>,
            now: DateTime<Utc>,
            limit: u32,
        ) -> Result<Vec<$crate::domain::review::ReviewLink>> {
            let rows: Vec<review::ReviewLinkRow> = sqlx::query_as(REMINDERS_DUE)
                .bind(to_ms(expiring_before))
                .bind(to_ms(now))
                .bind(i64::from(limit))
                .bind(to_ms(expiring_before) - to_ms(now))
                .fetch_all(&self.$write)
                .await?;
            let mut taken = Vec::new();
            for row in rows {
                let done = sqlx::query(TAKE_REMINDER)
                    .bind(&row.id)
                    .bind(to_ms(now))
                    .execute(&self.$write)
                    .await?;
                if done.rows_affected() == 1 {
                    taken.push($crate::domain::review::ReviewLink::try_from(row)?);
                }
            }
            Ok(taken)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(link = id))]
        async fn release_review_reminder(&self, id: &str) -> Result<()> {
            sqlx::query(RELEASE_REMINDER).bind(id).execute(&self.$write).await?;
            Ok(())
        }

        $($more)*
        });
    };
}
pub(in crate::store) use review_ops;
