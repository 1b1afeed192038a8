//! Whether a network takes a post, checked when the post is sent and, for a scheduled
//! post, when it is scheduled (Ayrshare refuses a scheduled post whole when any
//! network fails these checks, research note §3.5). In order: `fail_platforms`, the
//! network linked to the profile (code 156), the tweet length (111; the first comment,
//! a reply on X, too), YouTube's title,
//! and the same text on the same network within 48 hours (137). Only the first and
//! the last apply when the simulator is lenient.

use ayrshare::Platform;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{json, Value};

use super::Store;
use crate::config::SimConfig;
use crate::errors::{
    DUPLICATE_CONTENT_CODE, NOT_LINKED_CODE, TWEET_TOO_LONG_CODE, YOUTUBE_TITLE_REQUIRED_CODE,
};
use crate::platforms::skips_duplicate_check;
use crate::post::{Outcome, PostRecord, PostStatus};

/// Ayrshare's duplicate-content window.
const DUPLICATE_WINDOW: TimeDelta = TimeDelta::hours(48);
/// Instagram's posting quota counts the last 24 hours.
const QUOTA_WINDOW: TimeDelta = TimeDelta::hours(24);

fn failed(code: i64, message: String) -> Outcome {
    Outcome::Failed { code, message }
}

fn not_linked_message(platform: Platform) -> String {
    let name = platform.label();
    format!("{name} is not linked. Please link the {name} account to this profile and try again.")
}

fn not_linked(platform: Platform) -> Outcome {
    failed(NOT_LINKED_CODE, not_linked_message(platform))
}

/// A network's entry in an answer when the network is not linked: code 156.
pub(crate) fn not_linked_error(platform: Platform) -> Value {
    json!({"status": "error", "code": NOT_LINKED_CODE, "message": not_linked_message(platform)})
}

fn duplicate(platform: Platform) -> Outcome {
    let message = format!(
        "Duplicate or similar content posted within the same two day period to {}.",
        platform.label()
    );
    failed(DUPLICATE_CONTENT_CODE, message)
}

fn too_long(limit: usize, length: usize) -> Outcome {
    let message = format!(
        "Tweet is too long: {length} characters, and X allows {limit} for accounts without X Premium."
    );
    failed(TWEET_TOO_LONG_CODE, message)
}

fn no_title() -> Outcome {
    let message = "YouTube requires a title: send youTubeOptions.title.".to_string();
    failed(YOUTUBE_TITLE_REQUIRED_CODE, message)
}

impl Store {
    /// Why `platform` refuses `post` at `at` (its send time, or its scheduled date),
    /// or `None` when it takes it.
    pub(crate) fn refusal(
        &self,
        post: &PostRecord,
        platform: Platform,
        config: &SimConfig,
        at: DateTime<Utc>,
    ) -> Option<Outcome> {
        let strict = !config.lenient;
        if config.fails(platform.as_str())
            || (strict && !self.profiles.is_linked(&post.profile, platform))
        {
            return Some(not_linked(platform));
        }
        let length = post.text.chars().count();
        if strict && platform == Platform::Twitter && length > platform.text_limit() {
            return Some(too_long(platform.text_limit(), length));
        }
        // On X the first comment is a reply tweet: the same limit holds for it.
        let comment = post.first_comment.as_deref().map_or(0, |c| c.chars().count());
        if strict && platform == Platform::Twitter && comment > platform.text_limit() {
            return Some(too_long(platform.text_limit(), comment));
        }
        if strict && platform == Platform::YouTube && post.youtube_title.is_none() {
            return Some(no_title());
        }
        if !skips_duplicate_check(platform) && self.is_duplicate(post, platform, at) {
            return Some(duplicate(platform));
        }
        None
    }

    /// Every refusal of a post about to be scheduled, one per refusing network.
    pub(crate) fn refusals(
        &self,
        post: &PostRecord,
        config: &SimConfig,
    ) -> Vec<(Platform, Outcome)> {
        let refusal =
            |p: &Platform| Some((*p, self.refusal(post, *p, config, post.schedule_date)?));
        post.platforms.iter().filter_map(refusal).collect()
    }

    /// Whether another live post of the same profile put the same text on `platform`
    /// within 48 hours of `at`.
    fn is_duplicate(&self, post: &PostRecord, platform: Platform, at: DateTime<Utc>) -> bool {
        self.posts.values().any(|other| {
            other.id != post.id
                && other.profile == post.profile
                && other.status != PostStatus::Deleted
                && other.text.trim() == post.text.trim()
                && other.posted_on(platform)
                && other.published.is_some_and(|t| (at - t).abs() < DUPLICATE_WINDOW)
        })
    }

    /// Instagram posts of `profile` in the 24 hours before `now`, one more included.
    pub(crate) fn instagram_quota(&self, profile: &str, now: DateTime<Utc>) -> usize {
        let recent = |p: &&PostRecord| {
            p.profile == profile
                && p.posted_on(Platform::Instagram)
                && p.published.is_some_and(|t| now - t < QUOTA_WINDOW)
        };
        self.posts.values().filter(recent).count() + 1
    }
}
