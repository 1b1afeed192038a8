//! Notifications: what a person is told about a post (an approval to give, a decision on
//! their post, a failed publish, an approval gone overdue) and the e-mail that may go
//! with it. A notification names its `source` (what caused it, e.g. the audit event's
//! id): one source tells one user one kind of thing once, so creating it again is a no-op.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a notification is about. The wire names are API.md's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A post waits for the recipient's approval (to approvers).
    ApprovalRequested,
    /// The recipient's post was approved.
    Approved,
    /// The recipient's post was rejected.
    Rejected,
    /// The recipient's post was sent back for changes.
    ChangesRequested,
    /// A post failed to publish (to its author and the workspace's admins).
    PublishFailed,
    /// A post still waits for approval after its time passed.
    ApprovalOverdue,
    /// An outgoing webhook failed for its whole retry window and was turned off (to the
    /// workspace's admins).
    WebhookDisabled,
    /// Someone named the recipient (`@Name`) in a comment on a post.
    Mentioned,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 8] = [
        Self::ApprovalRequested,
        Self::Approved,
        Self::Rejected,
        Self::ChangesRequested,
        Self::PublishFailed,
        Self::ApprovalOverdue,
        Self::WebhookDisabled,
        Self::Mentioned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApprovalRequested => "approval_requested",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::ChangesRequested => "changes_requested",
            Self::PublishFailed => "publish_failed",
            Self::ApprovalOverdue => "approval_overdue",
            Self::WebhookDisabled => "webhook_disabled",
            Self::Mentioned => "mentioned",
        }
    }
}

impl fmt::Display for NotificationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NotificationKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown notification kind `{s}`"))
    }
}

/// A notification to create. `(source, user_id, kind)` identifies it: a second one with
/// the same three is not created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewNotification {
    pub id: String,
    pub user_id: String,
    pub workspace_id: String,
    pub post_id: Option<String>,
    pub kind: NotificationKind,
    pub text: String,
    /// What caused it, e.g. the audit event's id.
    pub source: String,
    pub created_at: DateTime<Utc>,
}

/// A notification as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub user_id: String,
    pub workspace_id: String,
    pub post_id: Option<String>,
    pub kind: NotificationKind,
    pub text: String,
    pub source: String,
    pub created_at: DateTime<Utc>,
    /// When the user marked it read; `None` while unread.
    pub read_at: Option<DateTime<Utc>>,
}

impl From<&NewNotification> for Notification {
    fn from(n: &NewNotification) -> Self {
        Notification {
            id: n.id.clone(),
            user_id: n.user_id.clone(),
            workspace_id: n.workspace_id.clone(),
            post_id: n.post_id.clone(),
            kind: n.kind,
            text: n.text.clone(),
            source: n.source.clone(),
            created_at: n.created_at,
            read_at: None,
        }
    }
}

/// The e-mail of the notification `notification_id`, written to the outbox only if that
/// notification is created by the same call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMail {
    pub notification_id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// An e-mail in the outbox, as a sender claims it. `id` is its notification's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMail {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// How many times it has been claimed, this claim included.
    pub attempts: i64,
    /// Until when the claimer holds it (or, after a failure, when it may be retried).
    pub claimed_until: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_wire_names() {
        for kind in NotificationKind::ALL {
            assert_eq!(kind.as_str().parse::<NotificationKind>(), Ok(kind));
            let wire = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(wire, format!("\"{kind}\""));
        }
        assert!("noticed".parse::<NotificationKind>().is_err());
    }
}
