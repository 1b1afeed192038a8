//! Media a workspace uploaded (images and video) to attach to posts: the file's bytes,
//! what is known about it, and an optional thumbnail. Every medium belongs to one
//! workspace; another workspace never sees it.

use super::actor::Actor;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A file is stored and read in chunks of this many bytes (the last may be shorter), so
/// serving it never holds more than a chunk of it per request.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// What is known about a stored medium, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaMeta {
    pub id: String,
    pub workspace_id: String,
    pub file_name: String,
    pub content_type: String,
    /// The file's size.
    pub bytes: i64,
    /// In pixels, for images and video whose size could be read.
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// The thumbnail's content type, if there is a thumbnail.
    pub thumbnail_type: Option<String>,
    /// The actor who uploaded it (a person or a token).
    pub created_by: Actor,
    pub created_at: DateTime<Utc>,
}

/// Bytes with their content type: a medium's file or its thumbnail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blob {
    pub content_type: String,
    pub data: Vec<u8>,
}

/// A medium to store: its file, an optional thumbnail (images and video) and what the
/// uploader knows about it. Its size and thumbnail type are read off the bytes
/// ([`MediaRecord::meta`]), so they cannot disagree with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRecord {
    pub id: String,
    pub workspace_id: String,
    pub file_name: String,
    pub content_type: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// SHA-256 of `data`, lowercase hex.
    pub sha256: String,
    pub created_by: Actor,
    pub created_at: DateTime<Utc>,
    pub data: Vec<u8>,
    pub thumbnail: Option<Blob>,
}

impl MediaRecord {
    /// The file's chunks of [`CHUNK_BYTES`], in order.
    pub fn chunks(&self) -> impl Iterator<Item = &[u8]> {
        self.data.chunks(CHUNK_BYTES)
    }

    /// What is stored about it besides the bytes.
    pub fn meta(&self) -> MediaMeta {
        MediaMeta {
            id: self.id.clone(),
            workspace_id: self.workspace_id.clone(),
            file_name: self.file_name.clone(),
            content_type: self.content_type.clone(),
            bytes: i64::try_from(self.data.len()).unwrap_or(i64::MAX),
            width: self.width,
            height: self.height,
            sha256: self.sha256.clone(),
            thumbnail_type: self.thumbnail.as_ref().map(|t| t.content_type.clone()),
            created_by: self.created_by.clone(),
            created_at: self.created_at,
        }
    }
}
