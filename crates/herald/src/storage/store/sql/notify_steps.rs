//! The steps of the notification and event-feed operations, on a [`Tx`] of either
//! backend: create a notification once, put its mail in the outbox, start a feed
//! consumer, claim its next events.

use super::*;
use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::{NewMail, NewNotification};
use crate::storage::store::backend::{on_pool, on_tx, Pool, Tx};
use crate::storage::store::rows::*;
use crate::storage::store::Result;
use crate::storage::store::{ClaimToken, EventClaim, FeedEvent};
use chrono::{DateTime, Utc};

/// Creates the notification unless its source, user and kind exist; whether it did.
pub(in crate::storage::store) async fn insert_notification(
    tx: &mut Tx,
    n: &NewNotification,
) -> Result<bool> {
    let created: Option<String> = on_tx!(tx, |c| sqlx::query_scalar(INSERT_NOTIFICATION)
        .bind(&n.id)
        .bind(&n.user_id)
        .bind(&n.workspace_id)
        .bind(&n.post_id)
        .bind(n.kind.as_str())
        .bind(&n.text)
        .bind(&n.source)
        .bind(to_ms(n.created_at))
        .fetch_optional(c)
        .await?);
    Ok(created.is_some())
}

/// Puts the mail of a notification created at `at` in the outbox.
pub(in crate::storage::store) async fn insert_mail(
    tx: &mut Tx,
    mail: &NewMail,
    at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(INSERT_MAIL)
        .bind(&mail.notification_id)
        .bind(&mail.to)
        .bind(&mail.subject)
        .bind(&mail.body)
        .bind(to_ms(at))
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
}

/// Creates the consumer at the feed's last settled position unless it exists (in
/// its own statement, so a claim that finds nothing does not undo it).
pub(in crate::storage::store) async fn start_cursor(pool: &Pool, consumer: &str) -> Result<()> {
    let last: Option<(i64, i64)> =
        on_pool!(pool, |p| sqlx::query_as(pool.dialect().last_settled).fetch_optional(p).await?);
    let (txn, seq) = last.unwrap_or((0, 0));
    on_pool!(pool, |p| sqlx::query(START_CURSOR)
        .bind(consumer)
        .bind(txn)
        .bind(seq)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

/// Takes the consumer's position until `until` if its claim lapsed at `now`, and
/// reads up to `limit` events after it; `None` (to be rolled back) if the position
/// is held or nothing follows it.
pub(in crate::storage::store) async fn take_events(
    tx: &mut Tx,
    consumer: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u32,
) -> Result<Option<EventClaim>> {
    let claim_id = uuid::Uuid::new_v4().to_string();
    let position: Option<(i64, i64)> = on_tx!(tx, |c| sqlx::query_as(TAKE_CURSOR)
        .bind(consumer)
        .bind(&claim_id)
        .bind(to_ms(until))
        .bind(to_ms(now))
        .fetch_optional(c)
        .await?);
    let Some((txn, seq)) = position else { return Ok(None) };
    let feed_events = tx.dialect().feed_events;
    let rows: Vec<FeedRow> = on_tx!(tx, |c| sqlx::query_as(feed_events)
        .bind(txn)
        .bind(seq)
        .bind(i64::from(limit))
        .fetch_all(c)
        .await?);
    let Some(through) = rows.last().map(|r| (r.txn, r.seq)) else { return Ok(None) };
    let events = rows.into_iter().map(FeedEvent::try_from).collect::<Result<_>>()?;
    let consumer = consumer.to_owned();
    Ok(Some(EventClaim { events, token: ClaimToken { consumer, claim_id, until, through } }))
}
