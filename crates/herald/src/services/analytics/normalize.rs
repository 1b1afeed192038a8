//! Ayrshare's analytics say the same thing in a different way on every network (X nests
//! under `publicMetrics`, LinkedIn says `commentCount` where Instagram says
//! `commentsCount`, Pinterest `impression`, …). This module maps each network's shape
//! to one vocabulary ([`Metric`]). A metric a network does not report is absent, never
//! 0; `engagements` is the network's own count where it has one, else the sum of the
//! interactions it reports (absent when it reports none).

pub use crate::foundation::domain::{Metric, Metrics};
use ayrshare::Platform;
use serde_json::Value;

/// Where a metric is found: the sum of the fields present at these paths (absent when
/// none is). A path is dot-separated inside the network's `analytics` object.
type Source = (Metric, &'static [&'static str]);

const X: &[Source] = &[
    (Metric::Likes, &["publicMetrics.likeCount"]),
    (Metric::Comments, &["publicMetrics.replyCount"]),
    (Metric::Shares, &["publicMetrics.retweetCount", "publicMetrics.quoteCount"]),
    (Metric::Impressions, &["publicMetrics.impressionCount"]),
    (Metric::Clicks, &["nonPublicMetrics.urlLinkClicks"]),
    (Metric::Saves, &["publicMetrics.bookmarkCount"]),
];
const LINKEDIN: &[Source] = &[
    (Metric::Likes, &["likeCount"]),
    (Metric::Comments, &["commentCount"]),
    (Metric::Shares, &["shareCount"]),
    (Metric::Clicks, &["clickCount"]),
    (Metric::Impressions, &["impressionCount"]),
];
const INSTAGRAM: &[Source] = &[
    (Metric::Likes, &["likeCount"]),
    (Metric::Comments, &["commentsCount"]),
    (Metric::Saves, &["savedCount"]),
    (Metric::Impressions, &["impressionsCount"]),
    (Metric::Reach, &["reachCount"]),
    (Metric::Engagements, &["engagementCount"]),
];
const FACEBOOK: &[Source] = &[
    (Metric::Likes, &["likeCount"]),
    (Metric::Comments, &["commentsCount"]),
    (Metric::Shares, &["sharesCount"]),
    (Metric::Reach, &["impressionsUnique"]),
    (Metric::Views, &["videoViews"]),
];
const PINTEREST: &[Source] = &[
    (Metric::Impressions, &["impression"]),
    (Metric::Saves, &["save"]),
    (Metric::Clicks, &["pinClick"]),
];
const BLUESKY: &[Source] = &[
    (Metric::Likes, &["likeCount"]),
    (Metric::Comments, &["replyCount"]),
    (Metric::Shares, &["repostCount", "quoteCount"]),
];
const THREADS: &[Source] = &[
    (Metric::Likes, &["likes"]),
    (Metric::Comments, &["replies"]),
    (Metric::Shares, &["reposts", "quotes"]),
    (Metric::Views, &["views"]),
];
const TIKTOK: &[Source] = &[
    (Metric::Likes, &["likeCount"]),
    (Metric::Comments, &["commentsCount"]),
    (Metric::Shares, &["shareCount"]),
    (Metric::Views, &["videoViews"]),
];
const YOUTUBE: &[Source] =
    &[(Metric::Views, &["views"]), (Metric::Likes, &["likes"]), (Metric::Comments, &["comments"])];
const REDDIT: &[Source] = &[(Metric::Likes, &["ups"]), (Metric::Comments, &["numComments"])];
const TELEGRAM: &[Source] = &[(Metric::Views, &["views"])];
const SNAPCHAT: &[Source] = &[(Metric::Views, &["views"]), (Metric::Shares, &["shares"])];

/// Account figures (`/analytics/social`), every network's names at once: the first
/// field present wins.
const ACCOUNT: &[(Metric, &[&str])] = &[
    (Metric::Followers, &["followersCount", "followerCount", "fanCount"]),
    (Metric::Impressions, &["impressions", "impressionCount", "pageImpressions"]),
    (Metric::Reach, &["reach"]),
    (Metric::Posts, &["postsCount", "tweetCount", "mediaCount"]),
    (Metric::Following, &["followingCount", "followsCount"]),
    (Metric::Engagements, &["pagePostEngagements"]),
];

fn sources(platform: Platform) -> &'static [Source] {
    match platform {
        Platform::Twitter => X,
        Platform::LinkedIn => LINKEDIN,
        Platform::Instagram => INSTAGRAM,
        Platform::Facebook => FACEBOOK,
        Platform::Pinterest => PINTEREST,
        Platform::Bluesky => BLUESKY,
        Platform::Threads => THREADS,
        Platform::TikTok => TIKTOK,
        Platform::YouTube => YOUTUBE,
        Platform::Reddit => REDDIT,
        Platform::Telegram => TELEGRAM,
        Platform::Snapchat => SNAPCHAT,
        Platform::Gmb => &[],
    }
}

/// The number at a dot-separated path.
fn at(raw: &Value, path: &str) -> Option<f64> {
    path.split('.').try_fold(raw, |v, k| v.get(k))?.as_f64()
}

/// The sum of the numbers present at `paths`; `None` when none is.
fn sum(raw: &Value, paths: &[&str]) -> Option<f64> {
    paths.iter().filter_map(|p| at(raw, p)).reduce(|a, b| a + b)
}

/// A post's figures on `platform` from Ayrshare's `analytics` object for it.
pub fn post_metrics(platform: Platform, raw: &Value) -> Metrics {
    let mut out: Metrics =
        sources(platform).iter().filter_map(|(m, paths)| Some((*m, sum(raw, paths)?))).collect();
    if !out.contains_key(&Metric::Engagements) {
        let parts =
            [Metric::Likes, Metric::Comments, Metric::Shares, Metric::Clicks, Metric::Saves];
        let engaged = parts.iter().filter_map(|m| out.get(m).copied()).reduce(|a, b| a + b);
        if let Some(engaged) = engaged {
            out.insert(Metric::Engagements, engaged);
        }
    }
    out
}

/// An account's figures from `/analytics/social`'s object for one network.
pub fn account_metrics(raw: &Value) -> Metrics {
    ACCOUNT
        .iter()
        .filter_map(|(m, names)| Some((*m, names.iter().find_map(|n| at(raw, n))?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn get(m: &Metrics, metric: Metric) -> Option<f64> {
        m.get(&metric).copied()
    }

    #[test]
    fn x_nests_its_figures_and_shares_are_retweets_plus_quotes() {
        let raw = json!({"publicMetrics": {"likeCount": 10, "retweetCount": 3, "replyCount": 2,
            "quoteCount": 1, "impressionCount": 500}, "nonPublicMetrics": {"urlLinkClicks": 7}});
        let m = post_metrics(Platform::Twitter, &raw);
        assert_eq!(get(&m, Metric::Likes), Some(10.0));
        assert_eq!(get(&m, Metric::Shares), Some(4.0));
        assert_eq!(get(&m, Metric::Impressions), Some(500.0));
        assert_eq!(get(&m, Metric::Clicks), Some(7.0));
        assert_eq!(get(&m, Metric::Engagements), Some(10.0 + 2.0 + 4.0 + 7.0));
    }

    #[test]
    fn the_reference_shapes_of_facebook_instagram_linkedin_and_pinterest_normalise() {
        // The field names of the live examples in the Ayrshare research note, §6.
        let fb = json!({"likeCount": 5, "commentsCount": 2, "sharesCount": 1, "impressionsUnique": 80,
            "reactions": {"like": 5}, "videoViews": 30});
        let m = post_metrics(Platform::Facebook, &fb);
        assert_eq!((get(&m, Metric::Comments), get(&m, Metric::Reach)), (Some(2.0), Some(80.0)));
        assert_eq!(
            get(&m, Metric::Impressions),
            None,
            "Facebook reports unique impressions: reach"
        );
        let ig = json!({"likeCount": 9, "commentsCount": 3, "reachCount": 70, "savedCount": 4,
            "impressionsCount": 100, "engagementCount": 16});
        let m = post_metrics(Platform::Instagram, &ig);
        assert_eq!(get(&m, Metric::Engagements), Some(16.0), "the network's own count wins");
        let li = json!({"likeCount": 1, "commentCount": 2, "shareCount": 3, "clickCount": 4,
            "impressionCount": 50, "engagement": 0.2});
        let m = post_metrics(Platform::LinkedIn, &li);
        assert_eq!(get(&m, Metric::Comments), Some(2.0), "commentCount, not commentsCount");
        let pin = json!({"impression": 40, "save": 2, "pinClick": 6, "outboundClick": 1});
        let m = post_metrics(Platform::Pinterest, &pin);
        assert_eq!((get(&m, Metric::Impressions), get(&m, Metric::Likes)), (Some(40.0), None));
    }

    #[test]
    fn a_metric_a_network_does_not_report_is_absent_never_zero() {
        let m = post_metrics(Platform::Telegram, &json!({"views": 12}));
        assert_eq!(m.len(), 1);
        assert_eq!(get(&m, Metric::Likes), None);
        assert!(post_metrics(Platform::Gmb, &json!({"anything": 1})).is_empty());
        assert!(post_metrics(Platform::Twitter, &json!({})).is_empty());
    }

    #[test]
    fn every_simulated_network_shape_yields_figures() {
        for platform in Platform::ALL.into_iter().filter(|p| *p != Platform::Gmb) {
            let raw = ayrshare_sim::post_analytics("p1", platform, 30).unwrap_or_default();
            assert!(!post_metrics(platform, &raw).is_empty(), "{platform}");
            let account = ayrshare_sim::social_analytics("r1", platform, 30);
            assert!(account_metrics(&account).contains_key(&Metric::Followers), "{platform}");
        }
    }
}
