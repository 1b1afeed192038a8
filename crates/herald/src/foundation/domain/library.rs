//! A workspace's compose library (API.md "Compose"): templates and hashtag groups (named
//! records, names unique per workspace) and its media as listed, with where each is used.

use super::actor::Actor;
use super::media::MediaMeta;
use chrono::{DateTime, Utc};

/// Which named records: the two kinds share their storage shape (a name and a JSON body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Library {
    Templates,
    HashtagGroups,
}

/// A template or hashtag group as stored: its content is JSON (`body`), read and written
/// by the service that owns the kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub body: String,
    pub created_by: Actor,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A medium as the library lists it.
#[derive(Debug, Clone)]
pub struct LibraryMedia {
    pub meta: MediaMeta,
    /// The URL it was given out as for `media_urls` (none for uploads before 0015).
    pub url: Option<String>,
    /// How many posts (not deleted) carry it.
    pub used_by: i64,
}

/// What deleting a medium did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaRemoval {
    Removed,
    NotFound,
    /// Posts still on their way use it: this many.
    InUse(i64),
}
