//! Row shapes of notifications, outbox mails and feed events, and their conversion to
//! records, with the conventions of [`super`].

use super::{parsed, EventRow};
use crate::foundation::domain::model::from_ms;
use crate::foundation::domain::{Event, Notification, OutboxMail};
use crate::storage::store::{FeedEvent, StoreError};

#[derive(sqlx::FromRow)]
pub(crate) struct NotificationRow {
    pub id: String,
    pub user_id: String,
    pub workspace_id: String,
    pub post_id: Option<String>,
    pub kind: String,
    pub text: String,
    pub source: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

impl TryFrom<NotificationRow> for Notification {
    type Error = StoreError;
    fn try_from(r: NotificationRow) -> Result<Self, StoreError> {
        Ok(Notification {
            kind: parsed("kind", &r.kind)?,
            id: r.id,
            user_id: r.user_id,
            workspace_id: r.workspace_id,
            post_id: r.post_id,
            text: r.text,
            source: r.source,
            created_at: from_ms(r.created_at),
            read_at: r.read_at.map(from_ms),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MailRow {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub attempts: i64,
    pub claimed_until: i64,
}

impl From<MailRow> for OutboxMail {
    fn from(r: MailRow) -> Self {
        OutboxMail {
            id: r.id,
            to: r.recipient,
            subject: r.subject,
            body: r.body,
            created_at: from_ms(r.created_at),
            attempts: r.attempts,
            claimed_until: from_ms(r.claimed_until),
        }
    }
}

/// An audit event with its feed position and workspace.
#[derive(sqlx::FromRow)]
pub(crate) struct FeedRow {
    pub txn: i64,
    pub seq: i64,
    pub workspace_id: String,
    #[sqlx(flatten)]
    pub event: EventRow,
}

impl TryFrom<FeedRow> for FeedEvent {
    type Error = StoreError;
    fn try_from(r: FeedRow) -> Result<Self, StoreError> {
        Ok(FeedEvent { workspace_id: r.workspace_id, event: Event::try_from(r.event)? })
    }
}
