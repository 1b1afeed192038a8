//! What clients send to change posts (the bodies of the post routes) and how an edit is
//! applied and validated.

use crate::domain::model::now_ms;
use crate::domain::{validate, Post, PostStatus};
use crate::error::AppResult;
use serde::Deserialize;
use utoipa::ToSchema;

/// Body of `POST /api/workspaces/{ws}/posts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPost {
    pub text: String,
    pub platforms: Vec<String>,
    #[serde(default)]
    pub media_urls: Vec<String>,
    /// RFC 3339 with any offset; stored UTC.
    pub schedule_at: Option<String>,
    /// Default true; false keeps the post a draft.
    pub submit: Option<bool>,
    /// True: take the workspace queue's next free slot (instead of `schedule_at`).
    pub queue: Option<bool>,
}

/// Body of `PATCH /api/workspaces/{ws}/posts/{id}`. Absent fields stay; `schedule_at: null`
/// clears the schedule.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostEdit {
    pub version: Option<i64>,
    pub text: Option<String>,
    pub platforms: Option<Vec<String>>,
    pub media_urls: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub schedule_at: Option<Option<String>>,
}

/// Body of the decision routes (submit, approve, reject, request-changes, retry, delete).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub version: Option<i64>,
    pub comment: Option<String>,
    /// Submit only: take the workspace queue's next free slot as the post's time.
    pub queue: Option<bool>,
}

/// Distinguishes an explicit `null` (Some(None)) from an absent field (None).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// What an edit changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    /// Text, platforms or media (four eyes counts the editor as an author).
    Content,
    /// Only the schedule.
    Schedule,
}

impl PostEdit {
    /// Applies the edit to `post`, validating what the result says.
    pub fn apply(self, post: &mut Post) -> AppResult<Edited> {
        let before = (post.text.clone(), post.platforms.clone(), post.media_urls.clone());
        if let Some(p) = self.platforms {
            validate::platforms(&p)?;
            post.platforms = p;
        }
        if let Some(t) = self.text {
            post.text = t;
        }
        validate::text(&post.text, &post.platforms)?;
        if let Some(m) = self.media_urls {
            post.media_urls = validate::media_urls(&m)?;
        }
        if let Some(s) = self.schedule_at {
            // Not yet submitted (again): a past date may stay until it is.
            let draft = matches!(
                post.status,
                PostStatus::Draft | PostStatus::ChangesRequested | PostStatus::Rejected
            );
            post.schedule_at =
                s.as_deref().map(|s| validate::schedule_at(s, now_ms(), draft)).transpose()?;
        }
        let after = (&post.text, &post.platforms, &post.media_urls);
        let same = (&before.0, &before.1, &before.2) == after;
        Ok(if same { Edited::Schedule } else { Edited::Content })
    }
}
