//! Public request and response types of the Ayrshare client.
//!
//! Request types serialise straight onto the wire (camelCase, `None` omitted).
//! Response types are *normalised* views: the decoder in [`crate::decode`]
//! builds them from whatever shape Ayrshare sent, so they carry no serde
//! derives of their own.

mod account;
mod insight;

pub use account::{
    CreatedProfile, DisplayName, Jwt, JwtRequest, ProfileFilter, ProfileSummary, UserDetails,
};
pub use insight::{NetworkAnalytics, PostAnalytics, SocialAnalytics, UploadUrl, UploadedMedia};

use serde::Serialize;

/// A decoded answer plus the transport facts callers need for pacing.
#[derive(Debug, Clone)]
pub struct Reply<T> {
    /// The decoded body.
    pub body: T,
    /// HTTP status of the answer (200, or 400 for a partially failed post).
    pub status: u16,
    /// Rate-limit headers seen on the answer.
    pub rate_limit: RateLimit,
}

/// Rate-limit headers. Ayrshare counts requests per profile over 5 minutes.
///
/// Current docs send `x-ratelimit-max` / `x-ratelimit-count`; older docs sent
/// `x-ratelimit-remaining` / `x-ratelimit-reset` (milliseconds until the
/// window resets). Every header is optional and parsed independently.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `x-ratelimit-max`: requests allowed per window.
    pub max: Option<u32>,
    /// `x-ratelimit-count`: requests used in the current window.
    pub count: Option<u32>,
    /// `x-ratelimit-remaining` (older docs): requests left in the window.
    pub remaining: Option<u32>,
    /// `x-ratelimit-reset` (older docs): milliseconds until the window resets.
    pub reset_ms: Option<u64>,
}

impl RateLimit {
    /// Requests left in the window, from `remaining` or `max - count`.
    pub fn left(&self) -> Option<u32> {
        self.remaining.or_else(|| Some(self.max?.saturating_sub(self.count?)))
    }
}

/// Body of `POST /post`. Only the fields this client needs are modelled.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostRequest {
    /// Post text.
    pub post: String,
    /// Network names (`twitter`, `linkedin`, ...).
    pub platforms: Vec<String>,
    /// Public https media URLs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub media_urls: Vec<String>,
    /// UTC ISO-8601; omit to publish now. A past date publishes immediately.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_date: Option<String>,
    /// Unique per profile; reusing one is an error (see [`crate::Error::is_idempotency_reused`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// Free text returned by history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// A comment posted right after the post, on every network of the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_comment: Option<FirstComment>,
}

/// `firstComment` of `POST /post`: `{comment, mediaUrls?}` (one object for the whole
/// request: a different first comment per network needs a request per network).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FirstComment {
    pub comment: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub media_urls: Vec<String>,
}

/// Body of `PATCH /post`: approve, reschedule or pause a post.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRequest {
    /// Ayrshare post id.
    pub id: String,
    /// Approve a post in `awaiting approval`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved: Option<bool>,
    /// New UTC ISO date; only for pending scheduled posts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_date: Option<String>,
    /// Replacement notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Pause (`true`) or unpause (`false`) a scheduled post.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_pause: Option<bool>,
}

/// Filters for `GET /history`.
#[derive(Debug, Clone, Default)]
pub struct HistoryQuery {
    /// `limit`: number of records (Ayrshare default 25).
    pub limit: Option<u32>,
    /// `lastDays`: window in days; 0 means all history.
    pub last_days: Option<u32>,
    /// `status`: `success`, `error`, `pending`, `deleted`, ...
    pub status: Option<String>,
    /// Sent as `type`: `immediate` or `scheduled`.
    pub kind: Option<String>,
    /// Sent comma-joined as one `platforms=a,b` parameter.
    pub platforms: Vec<String>,
}

/// Decoded `GET /history`.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Records, newest first as Ayrshare sends them.
    pub items: Vec<HistoryItem>,
    /// `lastUpdated`, when present.
    pub last_updated: Option<String>,
    /// `nextUpdate`, when present.
    pub next_update: Option<String>,
    /// The profile's `refId`, when present.
    pub ref_id: Option<String>,
}

/// Outcome of `POST /post` or `PUT /post/retry`.
#[derive(Debug, Clone, PartialEq)]
pub struct PostOutcome {
    /// Ayrshare post id; `None` only when Ayrshare created no record.
    pub id: Option<String>,
    /// `success`, `error` (partial or per-network failure), `scheduled`, ...
    pub status: String,
    /// One entry per network that accepted the post.
    pub post_ids: Vec<PlatformPost>,
    /// One entry per network that failed.
    pub errors: Vec<PlatformError>,
    /// The profile's `refId`.
    pub ref_id: Option<String>,
    /// Normalised UTC ISO schedule date for scheduled posts.
    pub schedule_date: Option<String>,
}

/// One network's copy of a post (`postIds[]`).
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformPost {
    /// Network name.
    pub platform: String,
    /// The network's id; numbers on the wire (Telegram) become strings. `TikTok` sends `pending`.
    pub id: String,
    /// Per-network status, usually `success`.
    pub status: String,
    /// Public URL of the network post.
    pub post_url: Option<String>,
}

/// One network's failure (`errors[]`). Platform and code may be absent.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformError {
    /// Network name, when given.
    pub platform: Option<String>,
    /// Ayrshare error code, when given.
    pub code: Option<i64>,
    /// Human-readable message (may be empty if Ayrshare sent none).
    pub message: String,
}

/// One record of `GET /history` or `GET /history/{id}`.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryItem {
    /// Ayrshare post id.
    pub id: String,
    /// Post text (the `default` text when the wire had a per-network object).
    pub post: String,
    /// Networks targeted.
    pub platforms: Vec<String>,
    /// Networks that accepted the post.
    pub post_ids: Vec<PlatformPost>,
    /// Networks that failed.
    pub errors: Vec<PlatformError>,
    /// `success`, `error`, `pending`, `awaiting approval`, `deleted`, ...
    pub status: String,
    /// Wire `type`: `now` or `scheduled`.
    pub kind: Option<String>,
    /// Creation time (UTC ISO).
    pub created: Option<String>,
    /// UTC ISO string, whether the wire had a string or a Firestore timestamp object.
    pub schedule_date: Option<String>,
    /// Free-text notes.
    pub notes: Option<String>,
    /// Media URLs attached.
    pub media_urls: Vec<String>,
}
