//! Outgoing webhooks' records (API.md "Integrations: outgoing webhooks"): the event
//! types an endpoint subscribes to, an endpoint with its signing secret, and its
//! deliveries — one message to one endpoint, with its attempts.

use crate::foundation::secret::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// What happened, as a webhook's `type` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum EventType {
    #[serde(rename = "post.created")]
    PostCreated,
    #[serde(rename = "post.updated")]
    PostUpdated,
    #[serde(rename = "post.submitted")]
    PostSubmitted,
    #[serde(rename = "post.approved")]
    PostApproved,
    #[serde(rename = "post.rejected")]
    PostRejected,
    #[serde(rename = "post.changes_requested")]
    PostChangesRequested,
    #[serde(rename = "post.scheduled")]
    PostScheduled,
    #[serde(rename = "post.published")]
    PostPublished,
    #[serde(rename = "post.partially_published")]
    PostPartiallyPublished,
    #[serde(rename = "post.failed")]
    PostFailed,
    #[serde(rename = "post.cancelled")]
    PostCancelled,
    #[serde(rename = "post.deleted")]
    PostDeleted,
    /// A comment was added to a post (data: the comment as the API shows it).
    #[serde(rename = "comment.created")]
    CommentCreated,
    /// What "send test event" sends; not subscribable.
    #[serde(rename = "webhook.test")]
    Test,
}

impl EventType {
    /// The types an endpoint may subscribe to.
    pub const ALL: [EventType; 13] = [
        Self::PostCreated,
        Self::PostUpdated,
        Self::PostSubmitted,
        Self::PostApproved,
        Self::PostRejected,
        Self::PostChangesRequested,
        Self::PostScheduled,
        Self::PostPublished,
        Self::PostPartiallyPublished,
        Self::PostFailed,
        Self::PostCancelled,
        Self::PostDeleted,
        Self::CommentCreated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PostCreated => "post.created",
            Self::PostUpdated => "post.updated",
            Self::PostSubmitted => "post.submitted",
            Self::PostApproved => "post.approved",
            Self::PostRejected => "post.rejected",
            Self::PostChangesRequested => "post.changes_requested",
            Self::PostScheduled => "post.scheduled",
            Self::PostPublished => "post.published",
            Self::PostPartiallyPublished => "post.partially_published",
            Self::PostFailed => "post.failed",
            Self::PostCancelled => "post.cancelled",
            Self::PostDeleted => "post.deleted",
            Self::CommentCreated => "comment.created",
            Self::Test => "webhook.test",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().chain([Self::Test]).find(|t| t.as_str() == s).ok_or(())
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not yet answered with a 2xx, and still within its retry window.
    Pending,
    Delivered,
    /// Gave up: no 2xx within the retry window.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
}

impl FromStr for DeliveryStatus {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "pending" => Ok(Self::Pending),
            "delivered" => Ok(Self::Delivered),
            "failed" => Ok(Self::Failed),
            _ => Err(()),
        }
    }
}

/// A workspace's webhook endpoint. Its secret is kept whole (Herald signs with it) and
/// shown once, at creation.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: String,
    pub workspace_id: String,
    pub url: String,
    pub events: Vec<EventType>,
    pub secret: Secret,
    pub created_at: DateTime<Utc>,
    /// The first failed attempt since the last delivered one.
    pub failing_since: Option<DateTime<Utc>>,
    /// When failing for the whole retry window disabled it (no deliveries while set).
    pub disabled_at: Option<DateTime<Utc>>,
}

/// A message to write to the outbox.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// The message's `webhook-id`.
    pub id: String,
    pub endpoint_id: String,
    /// What caused it: `event:{audit event id}`, or `test:{id}`. One message per
    /// endpoint, source and type.
    pub source: String,
    pub event_type: EventType,
    pub post_id: Option<String>,
    /// Orders one post's messages (its version, then the type's place).
    pub post_seq: i64,
    /// The JSON sent, fixed once: every attempt sends the same bytes.
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub give_up_at: DateTime<Utc>,
}

/// A delivery as its log shows it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: String,
    pub endpoint_id: String,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// A delivery claimed for an attempt, with what sending it needs.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub id: String,
    pub endpoint_id: String,
    pub workspace_id: String,
    pub url: String,
    pub secret: Secret,
    pub body: String,
    /// Counting this one.
    pub attempts: i64,
    pub give_up_at: DateTime<Utc>,
}

/// What an attempt came to.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub id: String,
    pub endpoint_id: String,
    pub status: DeliveryStatus,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    /// When to try again (for a delivery still pending).
    pub next_attempt_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
}
