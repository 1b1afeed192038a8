//! The media library (API.md "Compose"): a workspace's uploads, newest first, each with
//! its thumbnail, size, uploader and how many posts use it (`used_by`); deleting one is
//! refused (409 `in_use`) while a post still on its way (not published, failed, cancelled
//! or deleted) uses it.

use super::MediaService;
use crate::coherence::error::{AppError, AppResult};
use crate::foundation::domain::library::{LibraryMedia, MediaRemoval};
use serde::Serialize;
use utoipa::ToSchema;

/// One page of the library at most.
pub const PAGE: u32 = 50;

/// A medium as the library lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibraryItem {
    pub id: String,
    /// What goes into a post's `media_urls`.
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    pub content_type: String,
    pub bytes: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i64>,
    #[serde(with = "crate::foundation::domain::model::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub uploaded_by_name: String,
    /// How many posts (not deleted) carry it.
    pub used_by: i64,
}

/// `GET /api/workspaces/{ws}/media`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibraryPage {
    pub media: Vec<LibraryItem>,
    /// Give it as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

impl MediaService {
    /// One page of the workspace's media, newest first, after `cursor`.
    pub async fn library(&self, ws_id: &str, cursor: Option<&str>) -> AppResult<LibraryPage> {
        let after = cursor.filter(|c| !c.is_empty()).map(parse_cursor).transpose()?;
        let mut rows = self.inner.library.media_library(ws_id, after, PAGE + 1).await?;
        let more = rows.len() > PAGE as usize;
        rows.truncate(PAGE as usize);
        let next_cursor = rows
            .last()
            .filter(|_| more)
            .map(|m| format!("{}.{}", m.meta.created_at.timestamp_millis(), m.meta.id));
        let actors = rows.iter().map(|m| &m.meta.created_by);
        let directory = self.inner.lookups.directory(ws_id, actors).await?;
        let media = rows
            .into_iter()
            .map(|m| {
                let name = directory.name_of(&m.meta.created_by);
                self.item(m, name)
            })
            .collect();
        Ok(LibraryPage { media, next_cursor })
    }

    fn item(&self, m: LibraryMedia, uploaded_by_name: String) -> LibraryItem {
        let LibraryMedia { meta, url, used_by } = m;
        let own = |path: &str| self.own(&meta.workspace_id, &meta.id, path);
        LibraryItem {
            url: url.unwrap_or_else(|| own("")),
            thumbnail_url: meta.thumbnail_type.as_ref().map(|_| own("/thumbnail")),
            id: meta.id,
            content_type: meta.content_type,
            bytes: meta.bytes,
            width: meta.width,
            height: meta.height,
            created_at: meta.created_at,
            uploaded_by_name,
            used_by,
        }
    }

    /// Deletes the medium: 404 if the workspace has none such, 409 `in_use` while a post
    /// still on its way uses it.
    pub async fn delete(&self, ws_id: &str, id: &str) -> AppResult<()> {
        match self.inner.library.delete_media(ws_id, id).await? {
            MediaRemoval::Removed => Ok(()),
            MediaRemoval::NotFound => Err(AppError::NotFound),
            MediaRemoval::InUse(n) => Err(AppError::conflict(
                "in_use",
                format!(
                    "{n} post{} not yet published use{} this file: remove it from {} first",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "s" } else { "" },
                    if n == 1 { "it" } else { "them" },
                ),
            )),
        }
    }
}

/// `"<created_at ms>.<id>"`.
fn parse_cursor(raw: &str) -> AppResult<(chrono::DateTime<chrono::Utc>, String)> {
    let bad = || AppError::invalid("cursor", "give back the next_cursor of the previous page");
    let (ms, id) = raw.split_once('.').ok_or_else(bad)?;
    let ms: i64 = ms.parse().map_err(|_| bad())?;
    let at = chrono::DateTime::from_timestamp_millis(ms).ok_or_else(bad)?;
    if id.is_empty() || id.len() > 64 {
        return Err(bad());
    }
    Ok((at, id.to_owned()))
}
