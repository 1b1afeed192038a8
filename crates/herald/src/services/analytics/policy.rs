//! How often a post's figures are read again, and when a figure counts as old.
//!
//! Engagement moves fast just after publishing and barely at all a few days later, while
//! every read costs one use of the profile's Ayrshare budget. So a post is read every
//! `recent_every` (default 15 min) during its first `recent_window` (default 48 h) and
//! every `old_every` (default 24 h) after that. The cost follows from the policy alone
//! ([`Policy::calls_per_hour`]): a recent post costs `3600 / recent_every` calls an
//! hour, an old one `3600 / old_every`.
//!
//! A figure is **overdue** (shown `cached`, never as fresh — G8) once half a refresh
//! period has passed beyond the refresh it should have had: the refresher missed it
//! (Ayrshare down, the budget spent, the loop off).

use chrono::{DateTime, Duration as TimeDelta, Utc};
use clap::Args;
use std::time::Duration;

/// The refresh settings (`HERALD_ANALYTICS_*`).
#[derive(Debug, Clone, Args)]
pub struct AnalyticsArgs {
    /// Analytics refresh loop interval; 0 disables the built-in loop.
    #[arg(long, env = "HERALD_ANALYTICS_INTERVAL_MS", default_value_t = 30_000)]
    pub analytics_interval_ms: u64,
    /// How often a post's figures are read during its first 48 hours.
    #[arg(long, env = "HERALD_ANALYTICS_RECENT_EVERY_SECS", default_value_t = 900)]
    pub analytics_recent_every_secs: u64,
    /// How often they are read after that.
    #[arg(long, env = "HERALD_ANALYTICS_OLD_EVERY_SECS", default_value_t = 86_400)]
    pub analytics_old_every_secs: u64,
}

impl AnalyticsArgs {
    pub fn policy(&self) -> Policy {
        Policy {
            recent_every: Duration::from_secs(self.analytics_recent_every_secs.max(1)),
            old_every: Duration::from_secs(self.analytics_old_every_secs.max(1)),
            ..Policy::default()
        }
    }

    pub fn interval(&self) -> Duration {
        Duration::from_millis(self.analytics_interval_ms)
    }
}

impl Default for AnalyticsArgs {
    fn default() -> Self {
        Self {
            analytics_interval_ms: 30_000,
            analytics_recent_every_secs: 900,
            analytics_old_every_secs: 86_400,
        }
    }
}

/// The refresh policy (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Read interval of a post in its first `recent_window`.
    pub recent_every: Duration,
    /// Read interval after that.
    pub old_every: Duration,
    /// How long after publishing a post counts as recent.
    pub recent_window: Duration,
    /// Account figures (`/analytics/social`) are read at most this often per workspace.
    pub account_every: Duration,
    /// After a failed read (Ayrshare down), try again after this long (at most the
    /// post's own interval).
    pub retry_after_error: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            recent_every: Duration::from_secs(15 * 60),
            old_every: Duration::from_secs(24 * 3600),
            recent_window: Duration::from_secs(48 * 3600),
            account_every: Duration::from_secs(6 * 3600),
            retry_after_error: Duration::from_secs(5 * 60),
        }
    }
}

fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

impl Policy {
    /// The read interval of a post posted at `posted_at`, at `now`.
    pub fn every(&self, posted_at: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
        if now - posted_at < delta(self.recent_window) {
            self.recent_every
        } else {
            self.old_every
        }
    }

    /// When to read a post's figures next, having read them at `now`.
    pub fn next_refresh(&self, posted_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        now + delta(self.every(posted_at, now))
    }

    /// When to try again after a failed read at `now`.
    pub fn retry(&self, posted_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        now + delta(self.retry_after_error.min(self.every(posted_at, now)))
    }

    /// Whether figures read at `as_of` are older than a refresh should let them be at
    /// `now` (see the module docs).
    pub fn overdue(
        &self,
        posted_at: DateTime<Utc>,
        as_of: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        let every = self.every(posted_at, as_of);
        now > as_of + delta(every) + delta(every / 2)
    }

    /// Ayrshare calls an hour the policy makes for posts published at `posted`, at
    /// `now`: the sum of each post's `3600 / every`.
    pub fn calls_per_hour(&self, posted: &[DateTime<Utc>], now: DateTime<Utc>) -> f64 {
        posted.iter().map(|p| 3600.0 / self.every(*p, now).as_secs_f64()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default() + TimeDelta::hours(hours)
    }

    #[test]
    fn recent_posts_are_read_every_15_minutes_old_ones_daily() {
        let p = Policy::default();
        assert_eq!(p.next_refresh(at(0), at(1)), at(1) + TimeDelta::minutes(15));
        assert_eq!(p.next_refresh(at(0), at(47)), at(47) + TimeDelta::minutes(15));
        assert_eq!(p.next_refresh(at(0), at(48)), at(48) + TimeDelta::hours(24));
        assert_eq!(p.retry(at(0), at(1)), at(1) + TimeDelta::minutes(5));
    }

    #[test]
    fn a_figure_is_overdue_half_a_period_after_its_missed_refresh() {
        let p = Policy::default();
        let read = at(1);
        assert!(!p.overdue(at(0), read, read + TimeDelta::minutes(22)));
        assert!(p.overdue(at(0), read, read + TimeDelta::minutes(23)));
        let old = at(100);
        assert!(!p.overdue(at(0), old, old + TimeDelta::hours(35)));
        assert!(p.overdue(at(0), old, old + TimeDelta::hours(37)));
    }

    #[test]
    fn calls_per_hour_follow_from_the_policy() {
        let p = Policy::default();
        // 100 posts in their first 48 h, 900 older: 100 * 4 + 900 / 24.
        let posted: Vec<_> = (0..1000).map(|i| if i < 100 { at(0) } else { at(-100) }).collect();
        let calls = p.calls_per_hour(&posted, at(1));
        assert!((calls - (400.0 + 37.5)).abs() < 1e-9, "{calls}");
    }

    #[test]
    fn the_refreshes_the_policy_schedules_over_a_day_match_its_calls_per_hour() {
        // 10 posts published an hour ago, 90 a week ago: follow each one's schedule
        // (read, then read again at `next_refresh`) through the next 24 hours.
        let p = Policy::default();
        let now = at(0);
        let posted: Vec<_> = (0..100).map(|i| if i < 10 { at(-1) } else { at(-24 * 7) }).collect();
        let mut calls = 0u32;
        for post in &posted {
            let mut next = now;
            while next < now + TimeDelta::hours(24) {
                calls += 1;
                next = p.next_refresh(*post, next);
            }
        }
        // Recent ones: 4 an hour while under 48 h old (all day here); old: 1 a day.
        assert_eq!(calls, 10 * 96 + 90);
        let predicted = p.calls_per_hour(&posted, now) * 24.0;
        assert!((f64::from(calls) - predicted).abs() < 1.0, "{calls} vs {predicted}");
    }
}
