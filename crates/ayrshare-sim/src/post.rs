//! One Ayrshare post as the simulator stores it, and the JSON forms Ayrshare shows it
//! in: the `POST /post` answer (unwrapped, or wrapped in `posts` with a Profile-Key;
//! TikTok's id there is `pending`, Instagram's entry has `usedQuota`), the `/history`
//! item (Firestore-timestamp `scheduleDate`) and the `GET /post/{id}` item
//! (ISO-string `scheduleDate`).

use axum::http::StatusCode;
use ayrshare::Platform;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};
use tokio::time::Instant;

use crate::errors::UNKNOWN_PLATFORM_CODE;
use crate::profile::ProfileView;

/// Where a post is in its life, as Ayrshare names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PostStatus {
    /// Scheduled for the future, not sent yet.
    Pending,
    /// Created with `requiresApproval`, waiting for `PATCH /post {approved: true}`.
    AwaitingApproval,
    /// A scheduled post paused with `scheduledPause`.
    Paused,
    /// Sent, and every network took it.
    Success,
    /// Sent, and at least one network refused it.
    Error,
    /// Deleted through `DELETE /post`.
    Deleted,
}

impl PostStatus {
    /// Ayrshare's name for the status.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PostStatus::Pending => "pending",
            PostStatus::AwaitingApproval => "awaiting approval",
            PostStatus::Paused => "paused",
            PostStatus::Success => "success",
            PostStatus::Error => "error",
            PostStatus::Deleted => "deleted",
        }
    }
}

/// What one network did with the post.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// Posted: the network's id (a JSON string or number), the post's URL, Instagram's
    /// quota used in the last 24 hours, and whether a delete removed it since.
    Posted { id: Value, url: String, used_quota: Option<usize>, removed: bool },
    /// Refused with an Ayrshare error code.
    Failed { code: i64, message: String },
}

impl Outcome {
    /// A fresh network post.
    #[cfg(test)]
    pub(crate) fn posted(id: Value, url: String) -> Self {
        Outcome::Posted { id, url, used_quota: None, removed: false }
    }

    /// Whether the network has the post (posted, and not deleted since).
    pub(crate) fn is_live(&self) -> bool {
        matches!(self, Outcome::Posted { removed: false, .. })
    }
}

/// A post and everything history reports about it.
#[derive(Debug, Clone)]
pub(crate) struct PostRecord {
    /// Ayrshare post id (20 alphanumerics).
    pub(crate) id: String,
    /// Internal id of the owning profile (see [`crate::store::PRIMARY`]).
    pub(crate) profile: String,
    /// The post text.
    pub(crate) text: String,
    /// Networks asked for, in request order.
    pub(crate) platforms: Vec<Platform>,
    /// One entry per network once sent; empty while pending.
    pub(crate) outcomes: Vec<(Platform, Outcome)>,
    pub(crate) status: PostStatus,
    /// Created with a future `scheduleDate` (`type: "scheduled"`), else `"now"`.
    pub(crate) scheduled: bool,
    /// Wall-clock creation time.
    pub(crate) created: DateTime<Utc>,
    /// Monotonic creation time: history shows the post only `history_lag` after it.
    pub(crate) created_at: Instant,
    /// When it is (or was) to be published; the creation time for immediate posts.
    pub(crate) schedule_date: DateTime<Utc>,
    /// When it was actually sent.
    pub(crate) published: Option<DateTime<Utc>>,
    pub(crate) notes: Option<String>,
    pub(crate) media_urls: Vec<String>,
    /// Names in `platforms` that are no network; each is an error of the post.
    pub(crate) unknown_platforms: Vec<String>,
    /// `youTubeOptions.title`, which YouTube requires.
    pub(crate) youtube_title: Option<String>,
    /// `firstComment.comment`: posted as a comment (on X, a reply) right after the post.
    pub(crate) first_comment: Option<String>,
    /// Creation order, to sort posts created within the same instant.
    pub(crate) seq: u64,
}

/// `2026-07-08T12:30:00Z`, Ayrshare's date format.
pub(crate) fn iso(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The Firestore-timestamp object history uses for dates.
pub(crate) fn timestamp_object(time: DateTime<Utc>) -> Value {
    json!({"_seconds": time.timestamp(), "_nanoseconds": time.timestamp_subsec_nanos(), "utc": iso(time)})
}

impl PostRecord {
    /// Whether `platform` took this post.
    pub(crate) fn posted_on(&self, platform: Platform) -> bool {
        self.outcomes.iter().any(|(p, o)| *p == platform && matches!(o, Outcome::Posted { .. }))
    }

    /// Whether this post is for X (so calls about it need X credentials).
    pub(crate) fn touches_x(&self) -> bool {
        self.platforms.contains(&Platform::Twitter)
    }

    /// `postIds`: one entry per network that took the post, as history shows them.
    pub(crate) fn post_ids(&self) -> Vec<Value> {
        let posted = self.outcomes.iter().filter_map(|(platform, outcome)| match outcome {
            Outcome::Posted { id, url, .. } => {
                Some(json!({"status": "success", "id": id, "platform": platform, "postUrl": url}))
            }
            Outcome::Failed { .. } => None,
        });
        posted.collect()
    }

    /// `postIds` as the `POST /post` answer shows them: TikTok is still processing the
    /// video (`id: "pending"`, the share id in `idShare`), Instagram says its quota.
    fn answer_post_ids(&self) -> Vec<Value> {
        let posted = self.outcomes.iter().filter_map(|(platform, outcome)| match outcome {
            Outcome::Posted { id, .. } if *platform == Platform::TikTok => Some(json!({
                "status": "success", "id": "pending", "idShare": id.to_string().trim_matches('"'),
                "isVideo": true, "platform": platform,
            })),
            Outcome::Posted { id, url, used_quota, .. } => {
                let mut entry =
                    json!({"status": "success", "id": id, "platform": platform, "postUrl": url});
                if let Some(quota) = used_quota {
                    entry["usedQuota"] = json!(quota);
                }
                Some(entry)
            }
            Outcome::Failed { .. } => None,
        });
        posted.collect()
    }

    /// `errors`: one entry per network that refused the post, then one per name that
    /// is no network.
    pub(crate) fn errors(&self) -> Vec<Value> {
        let error = |platform: &str, code: i64, message: &str| {
            json!({
                "action": "post", "status": "error", "code": code, "message": message,
                "platform": platform, "post": self.text,
            })
        };
        let failed = self.outcomes.iter().filter_map(|(platform, outcome)| match outcome {
            Outcome::Failed { code, message } => Some(error(platform.as_str(), *code, message)),
            Outcome::Posted { .. } => None,
        });
        let unknown = self.unknown_platforms.iter().map(|name| {
            error(
                name,
                UNKNOWN_PLATFORM_CODE,
                &format!("Unknown platform {name:?}: not posted there."),
            )
        });
        failed.chain(unknown).collect()
    }

    /// The answer to `POST /post` (and `/post/retry`): the HTTP status, and the body,
    /// wrapped in `{status, posts: [...]}` when the caller sent a Profile-Key.
    pub(crate) fn envelope(&self, profile: &ProfileView, wrapped: bool) -> (StatusCode, Value) {
        let mut body = match self.status {
            PostStatus::Pending | PostStatus::Paused if self.scheduled => json!({
                "status": "scheduled", "scheduleDate": iso(self.schedule_date),
            }),
            PostStatus::AwaitingApproval => json!({
                "status": "awaiting approval", "scheduleDate": iso(self.schedule_date),
            }),
            _ => json!({
                "status": self.status.as_str(), "errors": self.errors(),
                "postIds": self.answer_post_ids(),
            }),
        };
        body["id"] = Value::from(self.id.as_str());
        body["refId"] = Value::from(profile.ref_id.as_str());
        body["post"] = Value::from(self.text.as_str());
        let http =
            if self.status == PostStatus::Error { StatusCode::BAD_REQUEST } else { StatusCode::OK };
        if !wrapped {
            return (http, body);
        }
        let status = body["status"].clone();
        body["profileTitle"] = Value::from(profile.title.as_str());
        (http, json!({"status": status, "posts": [body]}))
    }

    /// The `/history` item (and `/history/{id}`): `scheduleDate` as a timestamp object.
    pub(crate) fn history_item(&self, profile: &ProfileView) -> Value {
        let mut item = self.item(profile);
        item.insert("scheduleDate".into(), timestamp_object(self.schedule_date));
        Value::Object(item)
    }

    /// The `GET /post/{id}` item: `scheduleDate` as an ISO string.
    pub(crate) fn get_item(&self, profile: &ProfileView) -> Value {
        let mut item = self.item(profile);
        item.insert("scheduleDate".into(), Value::from(iso(self.schedule_date)));
        Value::Object(item)
    }

    fn item(&self, profile: &ProfileView) -> Map<String, Value> {
        let urls: Vec<&str> = self
            .outcomes
            .iter()
            .filter_map(|(_, o)| match o {
                Outcome::Posted { url, .. } => Some(url.as_str()),
                Outcome::Failed { .. } => None,
            })
            .collect();
        let item = json!({
            "id": self.id, "post": self.text, "platforms": self.platforms,
            "postIds": self.post_ids(), "errors": self.errors(), "urls": urls,
            "status": self.status.as_str(), "type": if self.scheduled { "scheduled" } else { "now" },
            "created": iso(self.created), "notes": self.notes, "mediaUrls": self.media_urls,
            "profileTitle": profile.title, "refId": profile.ref_id, "shortenLinks": false,
        });
        let mut item = item;
        if let Some(comment) = &self.first_comment {
            item["firstComment"] = json!({"comment": comment});
        }
        match item {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(status: PostStatus, outcomes: Vec<(Platform, Outcome)>) -> PostRecord {
        let now = Utc::now();
        PostRecord {
            id: "RhrbDtYh7hdSMc67zC8H".into(),
            profile: String::new(),
            text: "hello".into(),
            platforms: outcomes.iter().map(|(p, _)| *p).collect(),
            outcomes,
            status,
            scheduled: false,
            created: now,
            created_at: Instant::now(),
            schedule_date: now,
            published: Some(now),
            notes: None,
            media_urls: vec![],
            unknown_platforms: vec![],
            youtube_title: None,
            first_comment: None,
            seq: 0,
        }
    }

    fn profile() -> ProfileView {
        ProfileView { title: "Good Fun".into(), ref_id: "abc".into() }
    }

    #[test]
    fn partial_failure_is_a_400_with_both_lists() {
        let posted = Outcome::posted(json!(635), "https://t.me/c/1/635".into());
        let failed = Outcome::Failed { code: 156, message: "not linked".into() };
        let post = record(
            PostStatus::Error,
            vec![(Platform::Telegram, posted), (Platform::Twitter, failed)],
        );
        let (status, body) = post.envelope(&profile(), false);
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["postIds"][0]["id"], 635);
        assert_eq!(body["errors"][0]["code"], 156);
        assert_eq!(body["errors"][0]["platform"], "twitter");
    }

    #[test]
    fn wrapped_envelope_carries_the_profile_title() {
        let post = record(PostStatus::Success, vec![]);
        let (status, body) = post.envelope(&profile(), true);
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["status"], "success");
        assert_eq!(body["posts"][0]["profileTitle"], "Good Fun");
        assert_eq!(body["posts"][0]["id"], "RhrbDtYh7hdSMc67zC8H");
    }

    #[test]
    fn the_answer_shows_tiktok_pending_and_history_its_id() {
        let tiktok = Outcome::posted(json!("7301"), "https://www.tiktok.com/@u/video/7301".into());
        let post = record(PostStatus::Success, vec![(Platform::TikTok, tiktok)]);
        let (_, body) = post.envelope(&profile(), false);
        assert_eq!(body["postIds"][0]["id"], "pending");
        assert_eq!(body["postIds"][0]["idShare"], "7301");
        assert_eq!(post.history_item(&profile())["postIds"][0]["id"], "7301");
    }

    #[test]
    fn history_item_has_a_timestamp_schedule_date() {
        let item = record(PostStatus::Success, vec![]).history_item(&profile());
        assert!(item["scheduleDate"]["_seconds"].is_i64());
        assert!(item["scheduleDate"]["utc"].is_string());
        assert_eq!(item["type"], "now");
    }
}
