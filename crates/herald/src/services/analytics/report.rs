//! The analytics answer (API.md "Analytics"), built from stored figures: totals, per
//! network, per day (days in the workspace's time zone) and per post, each figure with
//! its `as_of`. Sums add only the figures that were reported: a metric no post in a sum
//! reports is absent from it, never 0.

use crate::foundation::domain::model::utc;
use crate::foundation::domain::{AccountMetrics, Metric, Metrics, PostMetrics, Workspace};
use crate::gate::dashboard::upstream::Freshness;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use utoipa::ToSchema;

/// The longest range one answer covers.
pub const MAX_DAYS: i64 = 366;

/// The posts' time range of an answer, `[from, to)`, and the zone its days are in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub tz: Tz,
}

impl Range {
    /// The calendar days the range touches, in its zone.
    pub fn days(&self) -> Vec<NaiveDate> {
        let first = self.from.with_timezone(&self.tz).date_naive();
        let last = (self.to - Duration::milliseconds(1)).with_timezone(&self.tz).date_naive();
        first.iter_days().take_while(|d| *d <= last).take(MAX_DAYS as usize + 2).collect()
    }

    /// Midnight of `date` in the range's zone (the earliest time of that day).
    pub fn start_of(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        let local = tz.from_local_datetime(&midnight);
        let first = local
            .earliest()
            .or_else(|| tz.from_local_datetime(&(midnight + Duration::hours(1))).earliest());
        first.map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
    }
}

/// Sums over a set of posts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Totals {
    /// Posts (a post on two networks counts once).
    pub posts: u64,
    /// The sum of each metric some post reported (absent when none did).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub metrics: Metrics,
}

/// One day in the workspace's zone.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Day {
    /// `YYYY-MM-DD` in the workspace's zone.
    pub date: String,
    #[serde(flatten)]
    pub totals: Totals,
}

/// One post's figures on one network.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PostFigures {
    /// Herald's post; absent for a post made outside Herald.
    pub post_id: Option<String>,
    /// Herald's post's text (the page names the post by it); absent outside Herald.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub ayrshare_id: String,
    pub platform: String,
    #[serde(with = "utc")]
    #[schema(value_type = String, format = DateTime)]
    pub posted_at: DateTime<Utc>,
    #[schema(value_type = Object)]
    pub metrics: Metrics,
    #[serde(with = "utc")]
    #[schema(value_type = String, format = DateTime)]
    pub as_of: DateTime<Utc>,
}

/// An account's figures on one network.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AccountFigures {
    pub platform: String,
    #[schema(value_type = Object)]
    pub metrics: Metrics,
    #[serde(with = "utc")]
    #[schema(value_type = String, format = DateTime)]
    pub as_of: DateTime<Utc>,
}

/// `GET /api/workspaces/{ws}/analytics`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Report {
    pub workspace_id: String,
    /// The zone `by_day` is in.
    pub timezone: String,
    #[serde(with = "utc")]
    #[schema(value_type = String, format = DateTime)]
    pub from: DateTime<Utc>,
    #[serde(with = "utc")]
    #[schema(value_type = String, format = DateTime)]
    pub to: DateTime<Utc>,
    /// The oldest figure's time: every figure here is at least this recent.
    #[serde(with = "utc::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub as_of: Option<DateTime<Utc>>,
    /// `fresh`, `cached` (some figure is older than the policy lets it be, or Ayrshare
    /// could not be read) or `unavailable`.
    #[schema(value_type = String)]
    pub upstream: Freshness,
    pub totals: Totals,
    pub by_platform: BTreeMap<String, Totals>,
    pub by_day: Vec<Day>,
    /// Top posts first (by engagements, then impressions).
    pub posts: Vec<PostFigures>,
    pub accounts: Vec<AccountFigures>,
}

/// `GET /api/workspaces/{ws}/posts/{id}/analytics`: one post's figures, per network.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PostReport {
    pub post_id: String,
    /// The oldest figure's time (null: no figures yet).
    #[serde(with = "utc::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub as_of: Option<DateTime<Utc>>,
    /// As on the workspace's answer.
    #[schema(value_type = String)]
    pub upstream: Freshness,
    /// The networks' figures summed.
    pub totals: Totals,
    /// Per network, each with its `as_of`.
    pub figures: Vec<PostFigures>,
}

/// The answer for one post's `records`.
pub fn of_post(post_id: &str, records: &[PostMetrics], upstream: Freshness) -> PostReport {
    PostReport {
        post_id: post_id.to_owned(),
        as_of: records.iter().map(|r| r.as_of).min(),
        upstream,
        totals: totals(records),
        figures: records.iter().map(|r| figures_of(r, &HashMap::new())).collect(),
    }
}

/// Sums `records` (a post counted once however many networks it is on).
fn totals<'a>(records: impl IntoIterator<Item = &'a PostMetrics>) -> Totals {
    let mut posts = BTreeSet::new();
    let mut metrics = Metrics::new();
    for r in records {
        posts.insert(r.post_id.as_deref().unwrap_or(&r.ayrshare_id));
        for (m, v) in &r.metrics {
            *metrics.entry(*m).or_insert(0.0) += v;
        }
    }
    Totals { posts: posts.len() as u64, metrics }
}

fn rank(r: &PostMetrics) -> (f64, f64) {
    let get = |m| r.metrics.get(&m).copied().unwrap_or(-1.0);
    (get(Metric::Engagements), get(Metric::Impressions))
}

/// The answer for `records` (figures of posts in `range`) and the workspace's accounts.
pub fn build(
    ws: &Workspace,
    range: &Range,
    records: &[PostMetrics],
    accounts: &[AccountMetrics],
    texts: &HashMap<String, String>,
    upstream: Freshness,
) -> Report {
    let mut by_platform: BTreeMap<&str, Vec<&PostMetrics>> = BTreeMap::new();
    let mut by_day: BTreeMap<NaiveDate, Vec<&PostMetrics>> = BTreeMap::new();
    for r in records {
        by_platform.entry(&r.platform).or_default().push(r);
        by_day.entry(r.posted_at.with_timezone(&range.tz).date_naive()).or_default().push(r);
    }
    let days = range.days().into_iter().map(|d| Day {
        date: d.format("%Y-%m-%d").to_string(),
        totals: totals(by_day.get(&d).into_iter().flatten().copied()),
    });
    let mut posts: Vec<&PostMetrics> = records.iter().collect();
    posts.sort_by(|a, b| rank(b).partial_cmp(&rank(a)).unwrap_or(std::cmp::Ordering::Equal));
    Report {
        workspace_id: ws.id.clone(),
        timezone: range.tz.name().to_owned(),
        from: range.from,
        to: range.to,
        as_of: records.iter().map(|r| r.as_of).min(),
        upstream,
        totals: totals(records),
        by_platform: by_platform.into_iter().map(|(p, rs)| (p.to_owned(), totals(rs))).collect(),
        by_day: days.collect(),
        posts: posts.into_iter().map(|r| figures_of(r, texts)).collect(),
        accounts: accounts
            .iter()
            .map(|a| AccountFigures {
                platform: a.platform.clone(),
                metrics: a.metrics.clone(),
                as_of: a.as_of,
            })
            .collect(),
    }
}

fn figures_of(r: &PostMetrics, texts: &HashMap<String, String>) -> PostFigures {
    PostFigures {
        post_id: r.post_id.clone(),
        text: r.post_id.as_ref().and_then(|id| texts.get(id)).cloned(),
        ayrshare_id: r.ayrshare_id.clone(),
        platform: r.platform.clone(),
        posted_at: r.posted_at,
        metrics: r.metrics.clone(),
        as_of: r.as_of,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(post: &str, platform: &str, at: DateTime<Utc>, metrics: Metrics) -> PostMetrics {
        PostMetrics {
            workspace_id: "w".into(),
            post_id: Some(post.into()),
            ayrshare_id: format!("ayr-{post}"),
            platform: platform.into(),
            posted_at: at,
            metrics,
            as_of: at + Duration::hours(1),
            next_refresh_at: None,
        }
    }

    fn ws() -> Workspace {
        Workspace {
            id: "w".into(),
            name: "n".into(),
            profile_key: crate::foundation::secret::Secret::new("k"),
            timezone: "Europe/Paris".into(),
            requires_approval: false,
            late_approval: Default::default(),
            content_version: 0,
            created_at: Utc::now(),
            x_credentials: None,
        }
    }

    #[test]
    fn sums_only_what_was_reported_and_days_are_in_the_workspace_zone() {
        let tz: Tz = "Europe/Paris".parse().unwrap_or(Tz::UTC);
        let day = |d| Range::start_of(tz, NaiveDate::from_ymd_opt(2025, 3, d).unwrap_or_default());
        let range = Range { from: day(1), to: day(4), tz };
        // 23:30 UTC on the 1st is the 2nd in Paris.
        let late = day(2) + Duration::minutes(30);
        let records = [
            record(
                "a",
                "twitter",
                late,
                [(Metric::Likes, 3.0), (Metric::Impressions, 100.0)].into(),
            ),
            record("a", "linkedin", late, [(Metric::Likes, 2.0)].into()),
            record("b", "telegram", day(3), [(Metric::Views, 7.0)].into()),
        ];
        let report = build(&ws(), &range, &records, &[], &HashMap::new(), Freshness::Fresh);
        assert_eq!(report.totals.posts, 2, "a post on two networks counts once");
        assert_eq!(report.totals.metrics.get(&Metric::Likes), Some(&5.0));
        assert_eq!(
            report.by_platform["telegram"].metrics.get(&Metric::Likes),
            None,
            "absent, never 0"
        );
        let dates: Vec<_> =
            report.by_day.iter().map(|d| (d.date.as_str(), d.totals.posts)).collect();
        assert_eq!(dates, [("2025-03-01", 0), ("2025-03-02", 1), ("2025-03-03", 1)]);
        assert_eq!(report.posts[0].platform, "twitter", "top posts first");
        assert_eq!(report.as_of, Some(late + Duration::hours(1)));
    }
}
