//! What Ayrshare and the networks would refuse, checked when a post is sent on its way
//! (created for approval, submitted, or changed while on its way) instead of after
//! approval, when nobody is looking:
//!
//! - X needs X credentials (Ayrshare code 419): 422 `x_credentials_required`.
//! - Every network must be linked to the workspace's profile: 422 `platform_not_linked`
//!   (linked accounts are read as [`crate::services::accounts`] keeps them; when Ayrshare has never
//!   answered, nothing is refused on that ground).
//! - Network caps, counted per workspace over the posts that are scheduled, publishing
//!   or published: Instagram 50 in any 24 hours, LinkedIn 150 and TikTok 15 per day (in
//!   the workspace's time zone): 422 `network_cap`.

use crate::coherence::error::{AppError, AppResult};
use crate::coherence::gateway::{Gateway, XSource};
use crate::foundation::domain::{Post, PostStatus, Workspace};
use crate::services::accounts::AccountService;
use crate::storage::store::PostStore;
use ayrshare::Platform;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use serde_json::json;

/// How a network counts its cap.
#[derive(Debug, Clone, Copy)]
enum Window {
    /// Any 24 hours.
    Rolling,
    /// A calendar day in the workspace's time zone.
    Day,
}

const CAPS: [(Platform, i64, Window); 3] = [
    (Platform::Instagram, 50, Window::Rolling),
    (Platform::LinkedIn, 150, Window::Day),
    (Platform::TikTok, 15, Window::Day),
];

/// Refuses a post Ayrshare would refuse (see the module docs).
pub async fn upstream(
    gateway: &Gateway,
    accounts: &AccountService,
    store: &dyn PostStore,
    ws: &Workspace,
    post: &Post,
) -> AppResult<()> {
    let x = Platform::Twitter.as_str();
    if post.platforms.contains(&Platform::Twitter) && gateway.x_source(ws) == XSource::Missing {
        return Err(AppError::unprocessable(
            "x_credentials_required",
            "Posting to X needs X API credentials: add them in the workspace settings.",
            json!({ "field": "platforms", "platform": x }),
        ));
    }
    linked(accounts, ws, post).await?;
    caps(store, ws, post).await
}

async fn linked(accounts: &AccountService, ws: &Workspace, post: &Post) -> AppResult<()> {
    let known = accounts.linked(ws).await;
    let missing: Vec<Platform> = post
        .platforms
        .iter()
        .copied()
        .filter(|p| known.is_linked(p.as_str()) == Some(false))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = missing.iter().map(|p| p.label()).collect();
    let verb = if names.len() == 1 { "is" } else { "are" };
    Err(AppError::unprocessable(
        "platform_not_linked",
        format!(
            "{} {verb} not linked to this workspace: link it in the settings, or leave it out.",
            names.join(" and ")
        ),
        json!({ "field": "platforms", "platforms": missing }),
    ))
}

async fn caps(store: &dyn PostStore, ws: &Workspace, post: &Post) -> AppResult<()> {
    let at = post.schedule_at.unwrap_or_else(Utc::now);
    for (platform, limit, window) in CAPS {
        if !post.platforms.contains(&platform) {
            continue;
        }
        for (from, to) in windows(window, at, &ws.timezone) {
            let mut load = store.platform_load(&ws.id, platform.as_str(), from, to).await?;
            if counted(post) && post.schedule_at.is_some_and(|t| from <= t && t < to) {
                load -= 1;
            }
            if load >= limit {
                return Err(cap_reached(platform, limit, window));
            }
        }
    }
    Ok(())
}

/// Whether the post as stored already counts against a cap.
fn counted(post: &Post) -> bool {
    matches!(
        post.status,
        PostStatus::Scheduled
            | PostStatus::Publishing
            | PostStatus::Published
            | PostStatus::PartiallyPublished
    )
}

/// The windows a post at `at` must fit in: for a daily cap, its day; for a rolling cap,
/// the 24 hours ending at it and the 24 hours starting at it. A full one of those
/// certainly overflows with the post; a window straddling `at` is not checked exactly
/// (that would need every post time, not a count), so a rare overflow there is left for
/// Ayrshare to refuse at publishing.
fn windows(
    window: Window,
    at: DateTime<Utc>,
    timezone: &str,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    match window {
        Window::Rolling => vec![(at - Duration::hours(24), at), (at, at + Duration::hours(24))],
        Window::Day => vec![day_of(at, timezone)],
    }
}

/// The calendar day (in `timezone`) that contains `at`, as a UTC range.
fn day_of(at: DateTime<Utc>, timezone: &str) -> (DateTime<Utc>, DateTime<Utc>) {
    let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    let date = at.with_timezone(&tz).date_naive();
    let start_of = |d: chrono::NaiveDate| {
        tz.from_local_datetime(&d.and_time(NaiveTime::MIN))
            .earliest()
            .map_or(at, |t| t.with_timezone(&Utc))
    };
    let next = date.succ_opt().unwrap_or(date);
    (start_of(date), start_of(next))
}

fn cap_reached(platform: Platform, limit: i64, window: Window) -> AppError {
    let per = match window {
        Window::Rolling => "in any 24 hours",
        Window::Day => "per day",
    };
    AppError::unprocessable(
        "network_cap",
        format!(
            "{} allows {limit} posts {per}, and this workspace already has {limit} then: pick another time.",
            platform.label()
        ),
        json!({ "field": "schedule_at", "platform": platform.as_str(), "limit": limit }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_the_workspace_zones_calendar_day_across_a_dst_change() {
        // 2026-03-29: Europe/London springs forward; the day is 23 hours long.
        let at: DateTime<Utc> = "2026-03-29T12:00:00Z".parse().unwrap();
        let (from, to) = day_of(at, "Europe/London");
        assert_eq!(from, "2026-03-29T00:00:00Z".parse::<DateTime<Utc>>().unwrap());
        assert_eq!(to, "2026-03-29T23:00:00Z".parse::<DateTime<Utc>>().unwrap());
    }

    #[test]
    fn a_rolling_cap_checks_the_day_before_and_after() {
        let at: DateTime<Utc> = "2026-03-29T12:00:00Z".parse().unwrap();
        let w = windows(Window::Rolling, at, "UTC");
        assert_eq!(w, vec![(at - Duration::hours(24), at), (at, at + Duration::hours(24))]);
    }
}
