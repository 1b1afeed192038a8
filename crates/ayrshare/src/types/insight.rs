//! Answer types of the media and analytics endpoints. Analytics stay raw JSON per
//! network: every network names and nests its metrics differently (research note
//! §6), so normalising them is the caller's job.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::platform::Platform;

/// Answer of `POST /media/upload`.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadedMedia {
    /// Ayrshare's id of the file.
    pub id: String,
    /// Public URL to use in `mediaUrls`.
    pub url: String,
    /// File name as stored.
    pub file_name: Option<String>,
    /// Description as stored.
    pub description: Option<String>,
}

/// Answer of `GET /media/uploadUrl`: `PUT` the bytes to `upload_url`, then use
/// `access_url` in `mediaUrls`.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadUrl {
    /// Where to `PUT` the file (with `content_type` as its `Content-Type`).
    pub upload_url: String,
    /// Where the file is served once uploaded.
    pub access_url: String,
    /// The content type the upload must declare.
    pub content_type: Option<String>,
}

/// `POST /analytics/post`: per network, its raw figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostAnalytics {
    /// The Ayrshare post id, when echoed.
    pub id: Option<String>,
    /// `success`, or `partial` / `error` when some networks failed.
    pub status: String,
    /// One entry per network that reported figures.
    pub networks: BTreeMap<Platform, NetworkAnalytics>,
}

/// One network's entry of [`PostAnalytics`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetworkAnalytics {
    /// The network's post id.
    pub id: Option<String>,
    /// The network post's URL.
    pub post_url: Option<String>,
    /// The `analytics` object exactly as the network's figures came (an empty object
    /// when absent). For an X thread, the first tweet's.
    pub analytics: Value,
    /// When Ayrshare last refreshed the figures.
    pub last_updated: Option<String>,
    /// When Ayrshare will refresh them next.
    pub next_update: Option<String>,
}

/// `POST /analytics/social`: account-level figures per network, raw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SocialAnalytics {
    /// The `analytics` object of each network that answered one.
    pub networks: BTreeMap<Platform, Value>,
    /// Networks whose entry was an error, with its message.
    pub errors: BTreeMap<Platform, String>,
}
