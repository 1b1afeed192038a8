//! The records the store's operations take and give beyond the domain's: a post change
//! as committed, counts, tokens, invitation acceptance, and the event feed's claims.

use crate::foundation::domain::{Actor, AuditAction, Event, Post, PostStatus, Role, User};
use chrono::{DateTime, Utc};
use std::fmt;

/// The audit-trail part of a change; `to`, `version` and `at` come from the new post.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub actor: Actor,
    pub action: AuditAction,
    pub comment: Option<String>,
    pub from: Option<PostStatus>,
}

/// A committed post change: the post as stored, its event, and the workspace content
/// version the transaction produced.
#[derive(Debug, Clone)]
pub struct Committed {
    pub post: Post,
    pub event: Event,
    pub content_version: i64,
}

/// How many posts a workspace has, by status and by platform (a post on two platforms
/// counts once for each).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    pub total: i64,
    pub by_status: std::collections::BTreeMap<String, i64>,
    pub by_platform: std::collections::BTreeMap<String, i64>,
}

/// A workspace token as stored (its secret only as a hash).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TokenRecord {
    pub id: String,
    pub workspace_id: String,
    pub role: Role,
    pub name: Option<String>,
    pub hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
    /// The id of the user who created it, where known.
    #[serde(default)]
    pub created_by: Option<String>,
    /// Who issued it, as an actor (`user:<id>`, `token:<id>`, `admin`); `None` for a
    /// token made before this was recorded.
    #[serde(default)]
    pub issued_by: Option<Actor>,
}

/// Who accepts an invitation: a new user (created in the accepting transaction) or an
/// existing one. `Debug` leaves the password hash out.
#[derive(Clone)]
pub enum Acceptance {
    NewUser { user: User, password_hash: String },
    Existing { user_id: String },
}

impl fmt::Debug for Acceptance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NewUser { user, .. } => f.debug_struct("NewUser").field("user", user).finish(),
            Self::Existing { user_id } => {
                f.debug_struct("Existing").field("user_id", user_id).finish()
            }
        }
    }
}

/// An accepted invitation: the user (as stored) and the role they now hold in the
/// workspace, the higher of the invited one and any they held before.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub user: User,
    pub workspace_id: String,
    pub role: Role,
}

/// Turns a due post into its claimed form and the claim's audit event, or `None` to
/// leave it. Called inside the claiming transaction.
pub type ClaimFn<'a> = &'a (dyn Fn(&Post) -> Option<(Post, NewEvent)> + Send + Sync);

/// An audit event as the event feed hands it out, with its post's workspace.
#[derive(Debug, Clone)]
pub struct FeedEvent {
    pub workspace_id: String,
    pub event: Event,
}

/// A consumer's claim on the event feed: the events after its position, held by this
/// claimer until `until` (or until it advances).
#[derive(Debug, Clone)]
pub struct EventClaim {
    pub events: Vec<FeedEvent>,
    pub token: ClaimToken,
}

/// Proof of holding a consumer's claim, which [`OutboxStore::advance`](super::OutboxStore::advance)
/// requires. Opaque: only the store makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimToken {
    pub(in crate::storage::store) consumer: String,
    pub(in crate::storage::store) claim_id: String,
    pub(in crate::storage::store) until: DateTime<Utc>,
    /// The feed position of the claim's last event: advancing further is refused.
    pub(in crate::storage::store) through: (i64, i64),
}

impl ClaimToken {
    pub fn consumer(&self) -> &str {
        &self.consumer
    }

    /// Until when the claim is held, unless the holder advances first.
    pub fn until(&self) -> DateTime<Utc> {
        self.until
    }
}

/// Freshness-monitor totals (G11): answers re-checked, violations among them, since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreshnessFigures {
    pub checked: u64,
    pub violations: u64,
    pub since: DateTime<Utc>,
}

impl FreshnessFigures {
    /// From stored counts (never negative; a negative one reads as 0).
    pub fn new(checked: i64, violations: i64, since: DateTime<Utc>) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Self { checked: count(checked), violations: count(violations), since }
    }

    pub(in crate::storage::store) fn checked_i64(&self) -> i64 {
        i64::try_from(self.checked).unwrap_or(i64::MAX)
    }

    pub(in crate::storage::store) fn violations_i64(&self) -> i64 {
        i64::try_from(self.violations).unwrap_or(i64::MAX)
    }
}
