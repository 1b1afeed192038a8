//! [`OutboxStore`]: notifications, their e-mails in the outbox, and the audit event feed
//! its consumers claim.
//!
//! Implemented once, for [`SqlStore`] (both backends); the statements are in
//! `sql::<area>`, a transaction's steps in `sql::<area>_steps` where it has any.

use super::backend::{on_pool, on_tx, SqlStore};
use super::rows::*;
use super::sql::*;
use super::ClaimToken;
use super::{EventClaim, Result, StoreError};
use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::{NewMail, NewNotification, Notification, OutboxMail};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Notifications, their e-mails in the outbox, and the audit event feed its consumers claim.
#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// In one transaction: creates those of `notifications` not already there (one per
    /// source, user and kind) and, for each one created, its mail from `mails` into the
    /// outbox. Returns the notifications created, in the order given; a mail whose
    /// notification was not created by this call is not written. `NotFound` (and nothing
    /// written) if one names an unknown user, workspace or post.
    async fn create_notifications(
        &self,
        notifications: &[NewNotification],
        mails: &[NewMail],
    ) -> Result<Vec<Notification>>;
    /// The user's notifications (only unread ones if `unread_only`), newest first, at
    /// most `limit`.
    async fn notifications_of(
        &self,
        user_id: &str,
        unread_only: bool,
        limit: u32,
    ) -> Result<Vec<Notification>>;
    async fn unread_count(&self, user_id: &str) -> Result<u32>;
    /// Marks those of `ids` that are the user's and unread as read at `at`; how many.
    async fn mark_read(&self, user_id: &str, ids: &[String], at: DateTime<Utc>) -> Result<u64>;
    /// Claims up to `limit` unsent mails whose claim (or retry time) is not after `now`,
    /// oldest first: each is held until `now + lease` by this caller alone, its attempts
    /// counted.
    async fn claim_mail(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<OutboxMail>>;
    /// Marks the mail sent; false if it was already sent or is unknown.
    async fn mail_sent(&self, id: &str, at: DateTime<Utc>) -> Result<bool>;
    /// Releases the claim on an unsent mail until `retry_at`; false if it was sent or is
    /// unknown.
    async fn mail_failed(&self, id: &str, retry_at: DateTime<Utc>) -> Result<bool>;
    /// Claims the audit events after `consumer`'s position, at most `limit`, in commit
    /// order, for `lease` from `now`: `None` if another claimer holds the consumer's
    /// position or nothing new has been committed. While a claim holds, no other caller
    /// gets those events; once it lapses unadvanced, they are claimed again. A consumer's
    /// first claim starts it at the end of the feed. On PostgreSQL an event is handed out
    /// once the transactions that began before its own have ended (`sql::feed`).
    async fn claim_events(
        &self,
        consumer: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Option<EventClaim>>;
    /// Moves the consumer's position to the claimed event `last_event_id` and releases
    /// the claim. False if the claim was lost to another claimer (its lease lapsed) or the
    /// event is not in it; `NotFound` for an unknown event.
    async fn advance(&self, token: &ClaimToken, last_event_id: &str) -> Result<bool>;
}

#[async_trait]
impl OutboxStore for SqlStore {
    #[tracing::instrument(level = "debug", skip_all, fields(count = notifications.len()))]
    async fn create_notifications(
        &self,
        notifications: &[NewNotification],
        mails: &[NewMail],
    ) -> Result<Vec<Notification>> {
        let mut tx = self.write.begin().await?;
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
        let rows: Vec<NotificationRow> = on_pool!(&self.read, |p| sqlx::query_as(sql)
            .bind(user_id)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?);
        rows.into_iter().map(Notification::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
    async fn unread_count(&self, user_id: &str) -> Result<u32> {
        let n: i64 = on_pool!(&self.read, |p| sqlx::query_scalar(UNREAD_COUNT)
            .bind(user_id)
            .fetch_one(p)
            .await?);
        Ok(count(n))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = user_id, count = ids.len()))]
    async fn mark_read(&self, user_id: &str, ids: &[String], at: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.write.begin().await?;
        let mut marked = 0;
        for id in ids {
            let done = on_tx!(tx, |c| sqlx::query(MARK_READ)
                .bind(user_id)
                .bind(id)
                .bind(to_ms(at))
                .execute(c)
                .await?
                .rows_affected());
            marked += done;
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
        let rows: Vec<MailRow> =
            on_pool!(&self.write, |p| sqlx::query_as(self.dialect().claim_mail)
                .bind(to_ms(now))
                .bind(to_ms(lease_end(now, lease)))
                .bind(i64::from(limit))
                .fetch_all(p)
                .await?);
        let mut mails: Vec<OutboxMail> = rows.into_iter().map(OutboxMail::from).collect();
        mails.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(mails)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn mail_sent(&self, id: &str, at: DateTime<Utc>) -> Result<bool> {
        let done = on_pool!(&self.write, |p| sqlx::query(MAIL_SENT)
            .bind(id)
            .bind(to_ms(at))
            .execute(p)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn mail_failed(&self, id: &str, retry_at: DateTime<Utc>) -> Result<bool> {
        let done = on_pool!(&self.write, |p| sqlx::query(MAIL_FAILED)
            .bind(id)
            .bind(to_ms(retry_at))
            .execute(p)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(consumer = consumer))]
    async fn claim_events(
        &self,
        consumer: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        limit: u32,
    ) -> Result<Option<EventClaim>> {
        start_cursor(&self.write, consumer).await?;
        let mut tx = self.write.begin().await?;
        let claim = take_events(&mut tx, consumer, now, lease_end(now, lease), limit).await?;
        if claim.is_some() {
            tx.commit().await?;
        }
        Ok(claim)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(consumer = %token.consumer))]
    async fn advance(&self, token: &ClaimToken, last_event_id: &str) -> Result<bool> {
        let position: Option<(i64, i64)> = on_pool!(&self.read, |p| sqlx::query_as(EVENT_POSITION)
            .bind(last_event_id)
            .fetch_optional(p)
            .await?);
        let (txn, seq) = position.ok_or(StoreError::NotFound)?;
        if (txn, seq) > token.through {
            return Ok(false);
        }
        let done = on_pool!(&self.write, |p| sqlx::query(ADVANCE_CURSOR)
            .bind(&token.consumer)
            .bind(&token.claim_id)
            .bind(txn)
            .bind(seq)
            .execute(p)
            .await?
            .rows_affected());
        Ok(done == 1)
    }
}
