//! The analytics figures the simulator answers, with each network's own metric names
//! and nesting (research note §6): X nests under `publicMetrics` / `organicMetrics` /
//! `nonPublicMetrics`, LinkedIn says `commentCount` where Instagram says
//! `commentsCount`, Pinterest `impression`, and so on. Google Business reports none.
//!
//! Every figure is a function of a seed (the post id, or the profile's `refId`, with
//! the network) and the whole minutes elapsed since publication (or since the profile
//! was created): the same inputs give the same figures, and they never go down, so
//! tests can predict them with [`post_analytics`] and [`social_analytics`].

use ayrshare::Platform;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The counters every network's figures are built from.
struct Base {
    likes: u64,
    comments: u64,
    shares: u64,
    impressions: u64,
    clicks: u64,
    saves: u64,
}

impl Base {
    fn new(seed: &str, platform: Platform, minutes: u64) -> Base {
        let digest = Sha256::digest(format!("{seed}/{platform}").as_bytes());
        let byte = |i: usize| u64::from(digest[i]);
        let minutes = minutes.min(1_000_000);
        let likes = byte(0) % 40 + minutes * (byte(1) % 3 + 1);
        let impressions = likes * (10 + byte(3) % 20) + byte(4);
        Base {
            likes,
            comments: likes / 5 + byte(2) % 3,
            shares: likes / 10,
            impressions,
            clicks: impressions / 20,
            saves: likes / 8,
        }
    }
}

/// A post's figures on `platform`, `minutes` after it was published on it; `None` for
/// a network Ayrshare has no post analytics for (Google Business).
pub fn post_analytics(post_id: &str, platform: Platform, minutes: u64) -> Option<Value> {
    let b = Base::new(post_id, platform, minutes);
    let engagement = b.likes + b.comments + b.shares + b.clicks;
    Some(match platform {
        Platform::Gmb => return None,
        Platform::Twitter => json!({
            "publicMetrics": {"likeCount": b.likes, "retweetCount": b.shares, "replyCount": b.comments,
                              "quoteCount": b.shares / 2, "impressionCount": b.impressions,
                              "bookmarkCount": b.saves},
            "organicMetrics": {"likeCount": b.likes, "retweetCount": b.shares, "replyCount": b.comments,
                               "impressionCount": b.impressions, "userProfileClicks": b.clicks},
            "nonPublicMetrics": {"impressionCount": b.impressions, "userProfileClicks": b.clicks,
                                 "urlLinkClicks": b.clicks / 2},
        }),
        Platform::LinkedIn => json!({
            "likeCount": b.likes, "commentCount": b.comments, "shareCount": b.shares,
            "clickCount": b.clicks, "impressionCount": b.impressions,
            "engagement": rate(engagement, b.impressions),
        }),
        Platform::Instagram => json!({
            "likeCount": b.likes, "commentsCount": b.comments, "reachCount": b.impressions * 3 / 4,
            "savedCount": b.saves, "impressionsCount": b.impressions,
            "engagementCount": b.likes + b.comments + b.saves,
        }),
        Platform::Facebook => json!({
            "likeCount": b.likes, "commentsCount": b.comments, "sharesCount": b.shares,
            "impressionsUnique": b.impressions * 3 / 4, "videoViews": b.impressions / 3,
            "reactions": {"like": b.likes, "love": b.likes / 4, "haha": b.likes / 9,
                          "wow": b.likes / 12, "sorry": b.likes / 30, "anger": b.likes / 40,
                          "total": b.likes + b.likes / 4 + b.likes / 9 + b.likes / 12 + b.likes / 30 + b.likes / 40},
        }),
        Platform::Pinterest => json!({
            "impression": b.impressions, "save": b.saves, "pinClick": b.clicks,
            "outboundClick": b.clicks / 3,
        }),
        Platform::Bluesky => json!({"likeCount": b.likes, "repostCount": b.shares,
                                    "replyCount": b.comments, "quoteCount": b.shares / 2}),
        Platform::Threads => json!({"likes": b.likes, "replies": b.comments, "reposts": b.shares,
                                    "quotes": b.shares / 2, "views": b.impressions}),
        Platform::TikTok => json!({"likeCount": b.likes, "commentsCount": b.comments,
                                   "shareCount": b.shares, "videoViews": b.impressions}),
        Platform::YouTube => json!({"views": b.impressions, "likes": b.likes,
                                    "dislikes": b.likes / 20, "comments": b.comments}),
        Platform::Reddit => json!({"ups": b.likes, "numComments": b.comments,
                                   "score": b.likes.saturating_sub(b.likes / 10)}),
        Platform::Telegram => json!({"views": b.impressions}),
        Platform::Snapchat => json!({"views": b.impressions, "shares": b.shares}),
    })
}

/// An account's figures on `platform` (`POST /analytics/social`), `minutes` after the
/// profile was created; `seed` is the profile's `refId`.
pub fn social_analytics(seed: &str, platform: Platform, minutes: u64) -> Value {
    let b = Base::new(seed, platform, minutes / 60);
    let followers = b.impressions + 100;
    match platform {
        Platform::Twitter => json!({"followersCount": followers, "followingCount": b.likes + 20,
                                    "tweetCount": b.comments + 5, "likeCount": b.likes * 3,
                                    "listedCount": b.shares}),
        Platform::Facebook => json!({"fanCount": followers, "followersCount": followers,
                                     "pageImpressions": b.impressions * 4,
                                     "pagePostEngagements": b.likes + b.comments}),
        Platform::Instagram => json!({"followersCount": followers, "followsCount": b.likes + 20,
                                      "mediaCount": b.comments + 5, "impressions": b.impressions * 4,
                                      "reach": b.impressions * 3}),
        Platform::LinkedIn => {
            json!({"followerCount": followers, "impressionCount": b.impressions * 4,
                                     "clickCount": b.clicks, "engagement": rate(b.likes, b.impressions)})
        }
        _ => json!({"followersCount": followers, "postsCount": b.comments + 5}),
    }
}

/// `part / whole`, rounded to four decimals (0 when `whole` is 0).
fn rate(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_stable_and_grow() {
        let first = post_analytics("abc", Platform::Twitter, 0).expect("X has figures");
        assert_eq!(Some(first.clone()), post_analytics("abc", Platform::Twitter, 0));
        let later = post_analytics("abc", Platform::Twitter, 60).expect("X has figures");
        let likes = |v: &Value| v["publicMetrics"]["likeCount"].as_u64();
        assert!(likes(&later) > likes(&first));
        assert!(post_analytics("abc", Platform::Gmb, 60).is_none());
    }

    #[test]
    fn every_other_network_has_figures_and_followers() {
        for platform in Platform::ALL.into_iter().filter(|p| *p != Platform::Gmb) {
            let figures = post_analytics("p", platform, 5).expect("figures");
            assert!(figures.as_object().is_some_and(|o| !o.is_empty()), "{platform}");
            assert!(social_analytics("r", platform, 5).is_object(), "{platform}");
        }
    }
}
