//! The social networks Ayrshare posts to, in one table: the wire id Ayrshare uses
//! (`platforms: ["twitter"]`, `postIds[].platform`), a display name, and the text
//! limit a post may have on that network.
//!
//! The simulator, Herald's validation and Herald's pages all read this table, so a
//! network is added (or a limit changed) in one place.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One of Ayrshare's networks. Serialises as its lowercase wire id (see [`Platform::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Bluesky,
    Facebook,
    /// Google Business Profile.
    Gmb,
    Instagram,
    LinkedIn,
    Pinterest,
    Reddit,
    Snapchat,
    Telegram,
    Threads,
    TikTok,
    /// X, still called `twitter` on the wire.
    Twitter,
    YouTube,
}

/// The table: wire id, display name, text limit in characters (Unicode scalar values).
/// X's URL weighting is not modelled, so its limit is conservative for text with links.
const TABLE: [(Platform, &str, &str, usize); 13] = [
    (Platform::Bluesky, "bluesky", "Bluesky", 300),
    (Platform::Facebook, "facebook", "Facebook", 63_206),
    (Platform::Gmb, "gmb", "Google Business", 1_500),
    (Platform::Instagram, "instagram", "Instagram", 2_200),
    (Platform::LinkedIn, "linkedin", "LinkedIn", 3_000),
    (Platform::Pinterest, "pinterest", "Pinterest", 500),
    (Platform::Reddit, "reddit", "Reddit", 40_000),
    (Platform::Snapchat, "snapchat", "Snapchat", 250),
    (Platform::Telegram, "telegram", "Telegram", 4_096),
    (Platform::Threads, "threads", "Threads", 500),
    (Platform::TikTok, "tiktok", "TikTok", 2_200),
    (Platform::Twitter, "twitter", "X (Twitter)", 280),
    (Platform::YouTube, "youtube", "YouTube", 5_000),
];

impl Platform {
    /// Every network, in the order of their wire ids.
    pub const ALL: [Platform; 13] = [
        Platform::Bluesky,
        Platform::Facebook,
        Platform::Gmb,
        Platform::Instagram,
        Platform::LinkedIn,
        Platform::Pinterest,
        Platform::Reddit,
        Platform::Snapchat,
        Platform::Telegram,
        Platform::Threads,
        Platform::TikTok,
        Platform::Twitter,
        Platform::YouTube,
    ];

    /// This network's row of [`TABLE`] (which lists the variants in declaration order).
    fn row(self) -> &'static (Platform, &'static str, &'static str, usize) {
        &TABLE[self as usize]
    }

    /// The wire id: `"twitter"`, `"gmb"`, ...
    pub fn as_str(self) -> &'static str {
        self.row().1
    }

    /// The name people know the network by: `"X (Twitter)"`, `"Google Business"`, ...
    pub fn label(self) -> &'static str {
        self.row().2
    }

    /// The most characters (Unicode scalar values) a post's text may have on this network.
    pub fn text_limit(self) -> usize {
        self.row().3
    }
}

/// A platform id that is not one of Ayrshare's networks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown platform {0:?}")]
pub struct UnknownPlatform(pub String);

impl FromStr for Platform {
    type Err = UnknownPlatform;

    /// Parses an exact wire id (lowercase, no surrounding space).
    fn from_str(id: &str) -> Result<Self, Self::Err> {
        TABLE
            .iter()
            .find(|row| row.1 == id)
            .map(|row| row.0)
            .ok_or_else(|| UnknownPlatform(id.to_owned()))
    }
}

impl AsRef<str> for Platform {
    /// The wire id, so lists of platforms and of ids can be checked by the same code.
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Platform {
    /// The wire id, so `format!("{p}")` is what Ayrshare expects.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_variant_in_declaration_order() {
        for (i, platform) in Platform::ALL.iter().enumerate() {
            assert_eq!(TABLE[i].0, *platform);
            assert_eq!(*platform as usize, i);
        }
    }

    #[test]
    fn every_wire_id_parses_back_to_its_platform() {
        for platform in Platform::ALL {
            assert_eq!(platform.as_str().parse::<Platform>(), Ok(platform));
            assert_eq!(platform.to_string(), platform.as_str());
        }
    }

    #[test]
    fn serde_uses_the_wire_id_both_ways() {
        for platform in Platform::ALL {
            let json = serde_json::to_string(&platform).expect("serialises");
            assert_eq!(json, format!("\"{}\"", platform.as_str()));
            assert_eq!(serde_json::from_str::<Platform>(&json).expect("deserialises"), platform);
        }
        assert!(serde_json::from_str::<Platform>("\"myspace\"").is_err());
    }

    #[test]
    fn an_unknown_id_is_an_error_that_names_it() {
        let error = "myspace".parse::<Platform>().expect_err("not a network");
        assert_eq!(error, UnknownPlatform("myspace".into()));
        assert!(error.to_string().contains("myspace"));
        assert!("Twitter".parse::<Platform>().is_err(), "wire ids are lowercase");
        assert!(" twitter".parse::<Platform>().is_err(), "and exact");
    }

    #[test]
    fn labels_and_limits_are_the_documented_ones() {
        assert_eq!(Platform::Twitter.label(), "X (Twitter)");
        assert_eq!(Platform::Gmb.label(), "Google Business");
        assert_eq!(Platform::Twitter.text_limit(), 280);
        assert_eq!(Platform::Facebook.text_limit(), 63_206);
        assert_eq!(Platform::Snapchat.text_limit(), 250);
    }

    #[test]
    fn all_is_sorted_and_without_duplicates() {
        let ids: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
        let mut ordered = Platform::ALL;
        ordered.sort();
        assert_eq!(ordered, Platform::ALL, "Ord follows the wire ids");
    }
}
