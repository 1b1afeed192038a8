//! Analytics as Herald keeps them: a post's figures per network and an account's figures
//! per network, each read from Ayrshare at one time (`as_of`), which travels with them
//! (G8: no old figure is ever shown as new).
//!
//! Figures are a map from a normalised [`Metric`] to a number rather than a struct of
//! optional fields: the networks report different subsets, a metric a network lacks must
//! be absent (never 0), and a map says exactly what was reported while the enum keeps the
//! names a closed vocabulary, the same on every network.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A normalised metric name, the same for every network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Impressions,
    Reach,
    Views,
    Engagements,
    Likes,
    Comments,
    Shares,
    Saves,
    Clicks,
    Followers,
    Following,
    Posts,
}

impl Metric {
    pub const ALL: [Metric; 12] = [
        Self::Impressions,
        Self::Reach,
        Self::Views,
        Self::Engagements,
        Self::Likes,
        Self::Comments,
        Self::Shares,
        Self::Saves,
        Self::Clicks,
        Self::Followers,
        Self::Following,
        Self::Posts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Impressions => "impressions",
            Self::Reach => "reach",
            Self::Views => "views",
            Self::Engagements => "engagements",
            Self::Likes => "likes",
            Self::Comments => "comments",
            Self::Shares => "shares",
            Self::Saves => "saves",
            Self::Clicks => "clicks",
            Self::Followers => "followers",
            Self::Following => "following",
            Self::Posts => "posts",
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Metric {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("unknown metric `{s}`"))
    }
}

/// The figures a network reported: only the metrics it has.
pub type Metrics = BTreeMap<Metric, f64>;

/// A post's figures on one network. `ayrshare_id` and `platform` identify them;
/// `post_id` is Herald's post, absent for a post made outside Herald. `posted_at` is the
/// post's time (published, else scheduled), which analytics are listed by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostMetrics {
    pub workspace_id: String,
    pub post_id: Option<String>,
    pub ayrshare_id: String,
    pub platform: String,
    pub posted_at: DateTime<Utc>,
    pub metrics: Metrics,
    /// When Ayrshare reported these figures.
    pub as_of: DateTime<Utc>,
    /// When to read them again; `None` to stop refreshing.
    pub next_refresh_at: Option<DateTime<Utc>>,
}

/// An account's figures on one network (followers and the like).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountMetrics {
    pub workspace_id: String,
    pub platform: String,
    pub metrics: Metrics,
    pub as_of: DateTime<Utc>,
}

/// A post's figures on one network to read from Ayrshare: what a refresher claims, and
/// what a publish schedules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshTarget {
    pub workspace_id: String,
    pub post_id: Option<String>,
    pub ayrshare_id: String,
    pub platform: String,
    pub posted_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_serialise_as_a_map_of_wire_names() {
        let metrics: Metrics = [(Metric::Likes, 3.0), (Metric::Impressions, 120.0)].into();
        let json = serde_json::to_string(&metrics).unwrap_or_default();
        assert_eq!(json, r#"{"impressions":120.0,"likes":3.0}"#);
        for metric in Metric::ALL {
            assert_eq!(metric.as_str().parse::<Metric>(), Ok(metric));
            assert_eq!(serde_json::to_string(&metric).unwrap_or_default(), format!("\"{metric}\""));
        }
    }
}
