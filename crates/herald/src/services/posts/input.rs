//! What clients send to change posts (the bodies of the post routes) and how an edit is
//! applied and validated.

use crate::coherence::error::AppResult;
use crate::foundation::domain::compose::{self, Compose, MediaItem, Variant};
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::validate::FieldError;
use crate::foundation::domain::{validate, Post, PostStatus};
use ayrshare::Platform;
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Body of `POST /api/workspaces/{ws}/posts`.
#[derive(Debug, Default, Deserialize, ToSchema)]
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
    /// Per-network text and first comment, only for networks of the post.
    #[serde(default)]
    pub variants: BTreeMap<String, Variant>,
    /// The default first comment.
    pub first_comment: Option<String>,
    /// The media with their alt text (instead of `media_urls`).
    pub media: Option<Vec<MediaItem>>,
}

impl NewPost {
    /// The networks, the media URLs (normalised) and the compose fields of the new post,
    /// checked against its text and networks.
    pub fn compose(&mut self) -> AppResult<(Vec<Platform>, Vec<String>, Compose)> {
        let platforms = validate::platforms(&self.platforms)?;
        let given = std::mem::take(&mut self.media_urls);
        let (urls, media) = media_of(Some(given).filter(|m| !m.is_empty()), self.media.take())?;
        let urls = urls.unwrap_or_default();
        let mut c = Compose {
            variants: std::mem::take(&mut self.variants),
            first_comment: self.first_comment.take().filter(|c| !c.trim().is_empty()),
            media: media.unwrap_or_default(),
        };
        c.align_media(&urls);
        compose::check(&self.text, &platforms, &c)?;
        Ok((platforms, urls, c))
    }
}

/// What a write says of the media: the URLs (normalised) and, when `media` was given, the
/// items with their alt text.
type GivenMedia = (Option<Vec<String>>, Option<Vec<MediaItem>>);

/// The media of a write: `media_urls` or `media` (not both), normalised; alt text kept
/// (blank alt text is none).
fn media_of(
    urls: Option<Vec<String>>,
    media: Option<Vec<MediaItem>>,
) -> Result<GivenMedia, FieldError> {
    match (urls, media) {
        (Some(_), Some(_)) => {
            Err(FieldError::new("media", "Give either media_urls or media, not both."))
        }
        (Some(urls), None) => Ok((Some(validate::media_urls(&urls)?), None)),
        (None, Some(media)) => {
            let raw: Vec<String> = media.iter().map(|m| m.url.clone()).collect();
            let urls = validate::media_urls(&raw).map_err(|e| e.renamed("media"))?;
            let items = media
                .into_iter()
                .zip(&urls)
                .map(|(m, url)| MediaItem {
                    url: url.clone(),
                    alt_text: m.alt_text.filter(|a| !a.trim().is_empty()),
                    preview_url: None,
                })
                .collect();
            Ok((Some(urls), Some(items)))
        }
        (None, None) => Ok((None, None)),
    }
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
    /// Replaces every variant (`{}` removes them all).
    pub variants: Option<BTreeMap<String, Variant>>,
    /// `null` or blank removes the first comment.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub first_comment: Option<Option<String>>,
    /// Replaces the media with these, alt text included (instead of `media_urls`).
    pub media: Option<Vec<MediaItem>>,
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
    /// Text, platforms, media, variants, first comment or alt text (four eyes counts
    /// the editor as an author).
    Content,
    /// Only the schedule.
    Schedule,
}

impl PostEdit {
    /// Applies the edit to `post`, validating what the result says.
    pub fn apply(self, post: &mut Post) -> AppResult<Edited> {
        let before = (post.text.clone(), post.platforms.clone(), post.compose.clone());
        if let Some(p) = self.platforms {
            post.platforms = validate::platforms(&p)?;
        }
        if let Some(t) = self.text {
            post.text = t;
        }
        if let Some(v) = self.variants {
            post.compose.variants = v;
        }
        if let Some(c) = self.first_comment {
            post.compose.first_comment = c.filter(|c| !c.trim().is_empty());
        }
        let (urls, media) = media_of(self.media_urls, self.media)?;
        if let Some(urls) = urls {
            post.media_urls = urls;
        }
        match media {
            Some(items) => {
                let before = std::mem::replace(&mut post.compose.media, items);
                for item in &mut post.compose.media {
                    let old = before.iter().find(|m| m.url == item.url);
                    item.preview_url = old.and_then(|m| m.preview_url.clone());
                }
            }
            None => {
                let urls = post.media_urls.clone();
                post.compose.align_media(&urls);
            }
        }
        compose::check(&post.text, &post.platforms, &post.compose)?;
        if let Some(s) = self.schedule_at {
            // Not yet submitted (again): a past date may stay until it is.
            let draft = matches!(
                post.status,
                PostStatus::Draft | PostStatus::ChangesRequested | PostStatus::Rejected
            );
            post.schedule_at =
                s.as_deref().map(|s| validate::schedule_at(s, now_ms(), draft)).transpose()?;
        }
        let after = (&post.text, &post.platforms, &post.compose);
        let same = (&before.0, &before.1, &before.2) == after;
        Ok(if same { Edited::Schedule } else { Edited::Content })
    }
}
