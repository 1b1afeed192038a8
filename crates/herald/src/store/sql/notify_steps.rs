//! The steps of the notification and event-feed operations, as a macro for the backend
//! (like [`people_steps!`](super::people_steps), with the `Tx` of
//! [`post_change_steps!`](super::post_change_steps)): create a notification once, put its
//! mail in the outbox, start a feed consumer, claim its next events.

/// `insert_notification`, `insert_mail`, `start_cursor` and `take_events`, on `$db` with
/// `$dialect`'s feed statements.
macro_rules! notify_steps {
    ($db:ty, $dialect:expr) => {
        /// Creates the notification unless its source, user and kind exist; whether it did.
        async fn insert_notification(tx: &mut Tx<'_>, n: &NewNotification) -> Result<bool> {
            let created: Option<String> = sqlx::query_scalar(INSERT_NOTIFICATION)
                .bind(&n.id)
                .bind(&n.user_id)
                .bind(&n.workspace_id)
                .bind(&n.post_id)
                .bind(n.kind.as_str())
                .bind(&n.text)
                .bind(&n.source)
                .bind(to_ms(n.created_at))
                .fetch_optional(&mut **tx)
                .await?;
            Ok(created.is_some())
        }

        /// Puts the mail of a notification created at `at` in the outbox.
        async fn insert_mail(tx: &mut Tx<'_>, mail: &NewMail, at: DateTime<Utc>) -> Result<()> {
            sqlx::query(INSERT_MAIL)
                .bind(&mail.notification_id)
                .bind(&mail.to)
                .bind(&mail.subject)
                .bind(&mail.body)
                .bind(to_ms(at))
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        /// Creates the consumer at the feed's last settled position unless it exists (in
        /// its own statement, so a claim that finds nothing does not undo it).
        async fn start_cursor(pool: &sqlx::Pool<$db>, consumer: &str) -> Result<()> {
            let last: Option<(i64, i64)> =
                sqlx::query_as($dialect.last_settled).fetch_optional(pool).await?;
            let (txn, seq) = last.unwrap_or((0, 0));
            sqlx::query(START_CURSOR).bind(consumer).bind(txn).bind(seq).execute(pool).await?;
            Ok(())
        }

        /// Takes the consumer's position until `until` if its claim lapsed at `now`, and
        /// reads up to `limit` events after it; `None` (to be rolled back) if the position
        /// is held or nothing follows it.
        async fn take_events(
            tx: &mut Tx<'_>,
            consumer: &str,
            now: DateTime<Utc>,
            until: DateTime<Utc>,
            limit: u32,
        ) -> Result<Option<EventClaim>> {
            let claim_id = uuid::Uuid::new_v4().to_string();
            let position: Option<(i64, i64)> = sqlx::query_as(TAKE_CURSOR)
                .bind(consumer)
                .bind(&claim_id)
                .bind(to_ms(until))
                .bind(to_ms(now))
                .fetch_optional(&mut **tx)
                .await?;
            let Some((txn, seq)) = position else { return Ok(None) };
            let rows: Vec<FeedRow> = sqlx::query_as($dialect.feed_events)
                .bind(txn)
                .bind(seq)
                .bind(i64::from(limit))
                .fetch_all(&mut **tx)
                .await?;
            let Some(through) = rows.last().map(|r| (r.txn, r.seq)) else { return Ok(None) };
            let events = rows.into_iter().map(FeedEvent::try_from).collect::<Result<_>>()?;
            let consumer = consumer.to_owned();
            Ok(Some(EventClaim {
                events,
                token: ClaimToken { consumer, claim_id, until, through },
            }))
        }
    };
}
pub(in crate::store) use notify_steps;
