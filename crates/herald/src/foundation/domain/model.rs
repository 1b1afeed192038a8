//! The records Herald keeps: workspaces, posts, their audit events, and the API views
//! of them. Times are UTC with millisecond precision, which is what storage keeps.

use super::actor::Actor;
use super::audit::AuditAction;
use super::compose::Compose;
use super::people::XCredentials;
use super::status::{LateApproval, PostStatus};
use crate::foundation::secret::Secret;
use ayrshare::Platform;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A workspace: one team or client, linked to one Ayrshare user profile. Serialisable
/// (whole, profile key included) only for the shared cache tier, never for clients:
/// they get [`WorkspaceView`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    #[serde(with = "crate::foundation::secret::exposed")]
    pub profile_key: Secret,
    pub timezone: String,
    pub requires_approval: bool,
    pub late_approval: LateApproval,
    /// Bumped in the same transaction as every change to one of its posts.
    pub content_version: i64,
    pub created_at: DateTime<Utc>,
    /// The workspace's own X credentials, if it has any (else the global ones apply).
    #[serde(default)]
    pub x_credentials: Option<XCredentials>,
}

/// Where one platform's copy of a post stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlatformStatus {
    /// The network took it.
    Success,
    /// The network refused it (or Ayrshare reported no result).
    Error,
    /// Accepted, still processing at the network (TikTok).
    Pending,
}

/// The outcome of publishing a post to one platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlatformResult {
    pub platform: String,
    pub status: PlatformStatus,
    pub post_url: Option<String>,
    pub error: Option<String>,
    /// The Ayrshare post record this platform was published through (a retry makes a
    /// new record for the platforms it republishes).
    #[serde(default)]
    pub ayrshare_id: Option<String>,
}

impl PlatformResult {
    pub fn succeeded(&self) -> bool {
        self.status == PlatformStatus::Success
    }
}

/// Publishing bookkeeping, never shown in the API.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PublishState {
    /// While `publishing`: until when the claimer owns the post.
    pub lease_until: Option<DateTime<Utc>>,
    /// The Ayrshare idempotency key of the current publish attempt (post id + version).
    pub key: Option<String>,
    /// How many times the current key has been claimed; above 1 means a previous
    /// claimer may have reached Ayrshare, so the post is settled from history first.
    pub attempts: i64,
    /// The platforms the current attempt publishes to (all, or the failed ones on retry).
    pub targets: Vec<Platform>,
}

/// A post, as stored and as served (API.md's post object).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Post {
    pub id: String,
    pub workspace_id: String,
    pub text: String,
    #[schema(value_type = Vec<String>)]
    pub platforms: Vec<Platform>,
    pub media_urls: Vec<String>,
    pub status: PostStatus,
    #[serde(with = "utc::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub schedule_at: Option<DateTime<Utc>>,
    pub version: i64,
    #[schema(value_type = String)]
    pub author: Actor,
    #[serde(with = "utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    #[serde(with = "utc")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<Utc>,
    #[serde(with = "utc::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<DateTime<Utc>>,
    pub ayrshare_id: Option<String>,
    pub platform_results: Vec<PlatformResult>,
    /// Why a post that is due has not gone out yet, if it is held back.
    pub waiting_for: Option<WaitingFor>,
    /// Per-network text and first comments, the first comment, media with alt text.
    #[serde(flatten)]
    pub compose: Compose,
    #[serde(skip)]
    pub publish: PublishState,
}

impl Post {
    /// The post's time on a calendar: when it is scheduled, else when it was published,
    /// else when it was created. Listings filter and sort by it (storage indexes the same
    /// expression).
    pub fn time(&self) -> DateTime<Utc> {
        self.schedule_at.or(self.published_at).unwrap_or(self.created_at)
    }
}

/// What a due post is waiting for before it can be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaitingFor {
    /// The workspace's Ayrshare call budget is spent until its window frees.
    AyrshareLimit,
    /// It took its time from the workspace's queue, which is paused.
    QueuePaused,
}

impl WaitingFor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AyrshareLimit => "ayrshare_limit",
            Self::QueuePaused => "queue_paused",
        }
    }
}

impl std::str::FromStr for WaitingFor {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ayrshare_limit" => Ok(Self::AyrshareLimit),
            "queue_paused" => Ok(Self::QueuePaused),
            _ => Err(format!("unknown waiting_for `{s}`")),
        }
    }
}

/// One line of a post's audit trail.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    pub id: String,
    pub post_id: String,
    #[schema(value_type = String)]
    pub actor: Actor,
    pub action: AuditAction,
    pub comment: Option<String>,
    pub from: Option<PostStatus>,
    pub to: PostStatus,
    /// The post's version after this event.
    pub version: i64,
    #[serde(with = "utc")]
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<Utc>,
}

/// Serialises UTC times as RFC 3339 with milliseconds and a `Z`.
pub mod utc {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    pub mod option {
        use super::*;
        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }
    }
}

/// Milliseconds since the epoch, the storage form of every time.
pub fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The inverse of [`to_ms`].
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Now, truncated to what storage keeps, so a value read back equals the value written.
pub fn now_ms() -> DateTime<Utc> {
    from_ms(to_ms(Utc::now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_for_round_trips_through_its_wire_name() {
        let w = WaitingFor::AyrshareLimit;
        assert_eq!(w.as_str().parse::<WaitingFor>().unwrap(), w);
        assert_eq!(serde_json::to_string(&w).unwrap(), format!("\"{}\"", w.as_str()));
        assert!("later".parse::<WaitingFor>().is_err());
    }
}
