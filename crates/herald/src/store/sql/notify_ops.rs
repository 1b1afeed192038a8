//! [`notify_ops!`]: the [`Storage`](crate::store::Storage) operations of notifications,
//! their e-mail outbox and the event feed, a link of the chain of operation macros
//! (after [`planning_ops!`](super::planning_ops)). Their transactions' steps are
//! [`notify_steps!`](super::notify_steps); `notify` and `feed` argue their guarantees.

/// Hands the notification, outbox and feed operations, then `$more`, on to
/// [`media_ops!`](super::media_ops) as tokens.
macro_rules! notify_ops {
    ($store:ty, $read:ident, $write:ident, $dialect:expr, { $($more:tt)* }) => {
        $crate::store::sql::media_ops!($store, $read, $write, $dialect, {
        #[tracing::instrument(level = "debug", skip_all, fields(count = notifications.len()))]
        async fn create_notifications(
            &self,
            notifications: &[NewNotification],
            mails: &[NewMail],
        ) -> Result<Vec<Notification>> {
            let mut tx = self.$write.begin().await?;
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
            tx.commit().await?;
            Ok(created)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
        async fn notifications_of(
            &self,
            user_id: &str,
            unread_only: bool,
            limit: u32,
        ) -> Result<Vec<Notification>> {
            let sql = if unread_only { USER_UNREAD_NOTIFICATIONS } else { USER_NOTIFICATIONS };
            let rows: Vec<NotificationRow> = sqlx::query_as(sql)
                .bind(user_id)
                .bind(i64::from(limit))
                .fetch_all(&self.$read)
                .await?;
            rows.into_iter().map(Notification::try_from).collect()
        }

        #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
        async fn unread_count(&self, user_id: &str) -> Result<u32> {
            let n: i64 =
                sqlx::query_scalar(UNREAD_COUNT).bind(user_id).fetch_one(&self.$read).await?;
            Ok(count(n))
        }

        #[tracing::instrument(level = "debug", skip_all, fields(user = user_id, count = ids.len()))]
        async fn mark_read(
            &self,
            user_id: &str,
            ids: &[String],
            at: DateTime<Utc>,
        ) -> Result<u64> {
            let mut tx = self.$write.begin().await?;
            let mut marked = 0;
            for id in ids {
                let done = sqlx::query(MARK_READ)
                    .bind(user_id)
                    .bind(id)
                    .bind(to_ms(at))
                    .execute(&mut *tx)
                    .await?;
                marked += done.rows_affected();
            }
            tx.commit().await?;
            Ok(marked)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
        async fn claim_mail(
            &self,
            now: DateTime<Utc>,
            lease: std::time::Duration,
            limit: u32,
        ) -> Result<Vec<OutboxMail>> {
            let rows: Vec<MailRow> = sqlx::query_as($dialect.claim_mail)
                .bind(to_ms(now))
                .bind(to_ms(lease_end(now, lease)))
                .bind(i64::from(limit))
                .fetch_all(&self.$write)
                .await?;
            let mut mails: Vec<OutboxMail> = rows.into_iter().map(OutboxMail::from).collect();
            mails.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
            Ok(mails)
        }

        #[tracing::instrument(level = "debug", skip_all)]
        async fn mail_sent(&self, id: &str, at: DateTime<Utc>) -> Result<bool> {
            let done =
                sqlx::query(MAIL_SENT).bind(id).bind(to_ms(at)).execute(&self.$write).await?;
            Ok(done.rows_affected() == 1)
        }

        #[tracing::instrument(level = "debug", skip_all)]
        async fn mail_failed(&self, id: &str, retry_at: DateTime<Utc>) -> Result<bool> {
            let done = sqlx::query(MAIL_FAILED)
                .bind(id)
                .bind(to_ms(retry_at))
                .execute(&self.$write)
                .await?;
            Ok(done.rows_affected() == 1)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(consumer = consumer))]
        async fn claim_events(
            &self,
            consumer: &str,
            now: DateTime<Utc>,
            lease: std::time::Duration,
            limit: u32,
        ) -> Result<Option<EventClaim>> {
            start_cursor(&self.$write, consumer).await?;
            let mut tx = self.$write.begin().await?;
            let claim = take_events(&mut tx, consumer, now, lease_end(now, lease), limit).await?;
            if claim.is_some() {
                tx.commit().await?;
            }
            Ok(claim)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(consumer = %token.consumer))]
        async fn advance(&self, token: &ClaimToken, last_event_id: &str) -> Result<bool> {
            let position: Option<(i64, i64)> = sqlx::query_as(EVENT_POSITION)
                .bind(last_event_id)
                .fetch_optional(&self.$read)
                .await?;
            let (txn, seq) = position.ok_or(StoreError::NotFound)?;
            if (txn, seq) > token.through {
                return Ok(false);
            }
            let done = sqlx::query(ADVANCE_CURSOR)
                .bind(&token.consumer)
                .bind(&token.claim_id)
                .bind(txn)
                .bind(seq)
                .execute(&self.$write)
                .await?;
            Ok(done.rows_affected() == 1)
        }

        $($more)*
        });
    };
}
pub(in crate::store) use notify_ops;
