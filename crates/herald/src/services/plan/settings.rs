//! The settings of feeds (docs/CONFIGURATION.md), flattened into
//! [`crate::commands::config::ServeArgs`].

use std::time::Duration;

#[derive(clap::Args, Debug, Clone)]
pub struct FeedArgs {
    /// How often each feed is polled, in seconds; 0 disables the poll loop.
    #[arg(long = "feed-interval-secs", env = "HERALD_FEED_INTERVAL_SECS", default_value_t = 900)]
    pub feed_interval_secs: u64,
    /// Fetch feeds from private, loopback and link-local addresses too (off: such feeds
    /// are refused with 422 `url_not_allowed`, at creation and at every fetch).
    #[arg(long = "feeds-allow-private", env = "HERALD_FEEDS_ALLOW_PRIVATE",
        default_value_t = false, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub feeds_allow_private: bool,
    /// The most bytes of a feed read; a longer one is an error (its first items are not
    /// trusted from a cut document).
    #[arg(long = "feed-max-kb", env = "HERALD_FEED_MAX_KB", default_value_t = 2048,
        value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub feed_max_kb: u64,
}

impl FeedArgs {
    pub fn settings(&self) -> Settings {
        Settings {
            interval: Duration::from_secs(self.feed_interval_secs),
            allow_private: self.feeds_allow_private,
            max_bytes: usize::try_from(self.feed_max_kb * 1024).unwrap_or(usize::MAX),
        }
    }
}

/// What the feed service needs of [`FeedArgs`].
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub interval: Duration,
    pub allow_private: bool,
    pub max_bytes: usize,
}
