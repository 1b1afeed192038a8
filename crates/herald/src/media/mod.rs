//! Media for posts (API.md "Media"): an upload is checked by its bytes, not by what the
//! client says it is ([`kind`]: images PNG, JPEG, GIF, WebP; video MP4, QuickTime,
//! WebM; anything else 415), at most `HERALD_MEDIA_MAX_MB` (413, counted while the body
//! streams in, so an oversized upload is never held whole), and stored in the database
//! with a thumbnail for images ([`thumbnail`]; video gets none, the pages show a
//! placeholder). Herald serves the file and thumbnail at `/media/{ws}/{id}` — public,
//! because Ayrshare fetches media without credentials; the id is random (122 bits), so
//! a file is reachable only by whoever was given its URL.
//!
//! The `url` that goes into a post's `media_urls` must be one Ayrshare can fetch: Herald's
//! own when `HERALD_PUBLIC_URL` is set, otherwise the file is also uploaded to Ayrshare's
//! media hosting (`POST /media/upload`, within the profile's budget) and that URL is used.

pub mod kind;
pub mod thumbnail;

use crate::auth::Principal;
use crate::domain::media::{Blob, MediaRecord};
use crate::error::{AppError, AppResult};
use crate::gateway::{Gateway, GatewayError};
use crate::lookups::Lookups;
use crate::store::Storage;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use utoipa::ToSchema;

/// `POST /api/workspaces/{ws}/media` → 201.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaView {
    pub id: String,
    /// What goes into a post's `media_urls`.
    pub url: String,
    pub content_type: String,
    pub bytes: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i64>,
    /// A small image of it, served by Herald (images only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
}

/// An uploaded file as received.
pub struct Upload {
    pub file_name: String,
    pub data: Vec<u8>,
}

/// The media use cases. Cheap to clone.
#[derive(Clone)]
pub struct MediaService {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Storage>,
    lookups: Lookups,
    gateway: Gateway,
    public_url: Option<String>,
    max_bytes: usize,
}

impl MediaService {
    pub fn new(
        store: Arc<dyn Storage>,
        lookups: Lookups,
        gateway: Gateway,
        public_url: Option<String>,
        max_mb: usize,
    ) -> Self {
        let max_bytes = max_mb.saturating_mul(1024 * 1024);
        Self { inner: Arc::new(Inner { store, lookups, gateway, public_url, max_bytes }) }
    }

    /// The largest file accepted, in bytes.
    pub fn max_bytes(&self) -> usize {
        self.inner.max_bytes
    }

    /// Stores an upload for the workspace; where it can be fetched from.
    pub async fn upload(
        &self,
        who: &Principal,
        ws_id: &str,
        upload: Upload,
    ) -> AppResult<MediaView> {
        let ws = self.inner.lookups.workspace(ws_id).await?.ok_or(AppError::NotFound)?;
        let content_type = kind::sniff(&upload.data)
            .ok_or_else(|| AppError::UnsupportedMedia(kind::ACCEPTED.into()))?;
        let image = thumbnail::of(&upload.data, content_type);
        let record = MediaRecord {
            id: uuid::Uuid::new_v4().to_string(),
            workspace_id: ws.id.clone(),
            file_name: kind::file_name(&upload.file_name, content_type),
            content_type: content_type.to_owned(),
            width: image.as_ref().map(|i| i.width),
            height: image.as_ref().map(|i| i.height),
            sha256: hex::encode(Sha256::digest(&upload.data)),
            created_by: who.actor(),
            created_at: chrono::Utc::now(),
            data: upload.data,
            thumbnail: image.map(|i| Blob { content_type: "image/jpeg".into(), data: i.jpeg }),
        };
        let own = |path: &str| {
            format!(
                "{}/media/{}/{}{path}",
                self.inner.public_url.as_deref().unwrap_or(""),
                ws.id,
                record.id
            )
        };
        let url = match self.inner.public_url {
            Some(_) => own(""),
            None => self.host_on_ayrshare(&ws, &record).await?,
        };
        let view = MediaView {
            id: record.id.clone(),
            url,
            content_type: record.content_type.clone(),
            bytes: i64::try_from(record.data.len()).unwrap_or(i64::MAX),
            width: record.width,
            height: record.height,
            thumbnail_url: record.thumbnail.as_ref().map(|_| own("/thumbnail")),
        };
        self.inner.store.create_media(&record).await?;
        Ok(view)
    }

    async fn host_on_ayrshare(
        &self,
        ws: &crate::domain::Workspace,
        m: &MediaRecord,
    ) -> AppResult<String> {
        let gateway = &self.inner.gateway;
        match gateway.upload_media(ws, &m.file_name, &m.content_type, &m.data).await {
            Ok(reply) => Ok(reply.body.url),
            Err(GatewayError::Budget(wait)) => Err(AppError::RateLimited { retry_after: wait }),
            Err(GatewayError::Ayrshare(e)) => Err(AppError::Upstream(e)),
        }
    }

    /// A stored file (`thumbnail`: its thumbnail), for serving.
    pub async fn file(&self, ws_id: &str, id: &str, thumbnail: bool) -> AppResult<Blob> {
        let store = &self.inner.store;
        let found = match thumbnail {
            true => store.media_thumbnail(ws_id, id).await?,
            false => store.media_data(ws_id, id).await?,
        };
        found.ok_or(AppError::NotFound)
    }
}
