//! Media for posts (API.md "Media"): an upload is checked by its bytes, not by what the
//! client says it is ([`kind`]: images PNG, JPEG, GIF, WebP; video MP4, QuickTime,
//! WebM; anything else 415), at most `HERALD_MEDIA_MAX_MB` (413, counted while the body
//! streams in, so an oversized upload is never held whole), and stored in the database
//! with a thumbnail for images ([`thumbnail`]; video gets none, the pages show a
//! placeholder). An image too large to decode is refused from its header (422
//! `image_too_large`); decoding runs on the blocking pool, a few at a time ([`decode`]).
//! A workspace's media stay within `HERALD_MEDIA_QUOTA_MB` (413 `quota_exceeded`,
//! counted in the transaction that stores the file), and an upload of bytes the
//! workspace already has is the medium it has, costing nothing.
//!
//! Herald serves the file and thumbnail at `/media/{ws}/{id}` — public, because Ayrshare
//! fetches media without credentials; the id is random (122 bits), so a file is
//! reachable only by whoever was given its URL. Files are read from the store a chunk at
//! a time, in byte ranges ([`serve`]).
//!
//! The `url` that goes into a post's `media_urls` must be one Ayrshare can fetch: Herald's
//! own when `HERALD_PUBLIC_URL` is set, otherwise the file is also uploaded to Ayrshare's
//! media hosting (`POST /media/upload`, within the profile's budget) and that URL is used.
//! The URL is recorded with the medium (an identical upload answers it again, without a
//! second upload), so a post carrying it is shown with Herald's own copy whoever hosts
//! it, and the library ([`library`]) knows which posts use a medium.

pub mod decode;
pub mod kind;
pub mod library;
pub mod serve;
pub mod thumbnail;

use crate::coherence::error::{AppError, AppResult};
use crate::coherence::gateway::{Gateway, GatewayError};
use crate::coherence::lookups::Lookups;
use crate::foundation::domain::media::{Blob, MediaMeta, MediaRecord};
use crate::gate::auth::Principal;
use crate::storage::store::{LibraryStore, MediaStore};
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

/// What bounds a workspace's media.
#[derive(Debug, Clone, Copy)]
pub struct MediaLimits {
    /// The largest file, in MiB (`HERALD_MEDIA_MAX_MB`).
    pub max_mb: u64,
    /// The most all of a workspace's files take, in MiB (`HERALD_MEDIA_QUOTA_MB`).
    pub quota_mb: u64,
}

struct Inner {
    media: Arc<dyn MediaStore>,
    /// The library's side of files: their listing, deletion and public URLs.
    library: Arc<dyn LibraryStore>,
    lookups: Lookups,
    gateway: Gateway,
    public_url: Option<String>,
    max_bytes: usize,
    quota_bytes: u64,
    decoders: decode::Decoders,
}

impl MediaService {
    pub fn new(
        media: Arc<dyn MediaStore>,
        library: Arc<dyn LibraryStore>,
        lookups: Lookups,
        gateway: Gateway,
        public_url: Option<String>,
        limits: MediaLimits,
    ) -> Self {
        let max_bytes =
            usize::try_from(limits.max_mb.saturating_mul(1 << 20)).unwrap_or(usize::MAX);
        let quota_bytes = limits.quota_mb.saturating_mul(1 << 20);
        let decoders = decode::Decoders::default();
        let inner = Inner {
            media,
            library,
            lookups,
            gateway,
            public_url,
            max_bytes,
            quota_bytes,
            decoders,
        };
        Self { inner: Arc::new(inner) }
    }

    /// The largest file accepted, in bytes.
    pub fn max_bytes(&self) -> usize {
        self.inner.max_bytes
    }

    /// Stores an upload for the workspace (or finds the medium with the same bytes);
    /// where it can be fetched from.
    pub async fn upload(
        &self,
        who: &Principal,
        ws_id: &str,
        upload: Upload,
    ) -> AppResult<MediaView> {
        let ws = self.inner.lookups.workspace(ws_id).await?.ok_or(AppError::NotFound)?;
        let file = Checked::of(upload).await?;
        let (media, library) = (&self.inner.media, &self.inner.library);
        if let Some(meta) = media.media_by_sha256(&ws.id, &file.sha256).await? {
            let url = match library.media_url(&ws.id, &meta.id).await? {
                Some(url) => url,
                None => {
                    let (name, data) = (&file.file_name, &file.data);
                    let url = self.url(&ws, &meta.id, name, file.content_type, data).await?;
                    library.set_media_url(&ws.id, &meta.id, &url).await?;
                    url
                }
            };
            return Ok(self.view(meta, url));
        }
        self.within_quota(&ws.id, file.data.len()).await?;
        let record = self.record(who, &ws.id, file).await?;
        let (name, data) = (&record.file_name, &record.data);
        let url = self.url(&ws, &record.id, name, &record.content_type, data).await?;
        let quota = i64::try_from(self.inner.quota_bytes).unwrap_or(i64::MAX);
        if !media.create_media(&record, quota).await? {
            return Err(AppError::QuotaExceeded { quota_bytes: self.inner.quota_bytes });
        }
        library.set_media_url(&ws.id, &record.id, &url).await?;
        Ok(self.view(record.meta(), url))
    }

    /// The medium to store of a checked file: with its thumbnail if it is an image,
    /// decoded by one of the instance's decoders.
    async fn record(&self, who: &Principal, ws_id: &str, file: Checked) -> AppResult<MediaRecord> {
        let Checked { file_name, content_type, header, sha256, data } = file;
        let (data, image) = match header {
            None => (data, None),
            Some(header) => {
                let decode = move || {
                    let image = thumbnail::of(&data, header);
                    (data, image)
                };
                self.inner.decoders.run(decode).await?
            }
        };
        Ok(MediaRecord {
            id: uuid::Uuid::new_v4().to_string(),
            workspace_id: ws_id.to_owned(),
            file_name,
            content_type: content_type.to_owned(),
            width: image.as_ref().map(|i| i.width),
            height: image.as_ref().map(|i| i.height),
            sha256,
            created_by: who.actor(),
            created_at: chrono::Utc::now(),
            data,
            thumbnail: image.map(|i| Blob { content_type: "image/jpeg".into(), data: i.jpeg }),
        })
    }

    /// 413 if `bytes` more would take the workspace past its quota now (checked again,
    /// against concurrent uploads, when the file is stored).
    async fn within_quota(&self, ws_id: &str, bytes: usize) -> AppResult<()> {
        let stored = u64::try_from(self.inner.media.media_bytes(ws_id).await?).unwrap_or(0);
        let quota_bytes = self.inner.quota_bytes;
        match stored.saturating_add(bytes as u64) > quota_bytes {
            true => Err(AppError::QuotaExceeded { quota_bytes }),
            false => Ok(()),
        }
    }

    /// Herald's own URL of a path of the medium.
    fn own(&self, ws_id: &str, id: &str, path: &str) -> String {
        let base = self.inner.public_url.as_deref().unwrap_or("");
        format!("{base}/media/{ws_id}/{id}{path}")
    }

    /// The URL that goes into `media_urls`: Herald's own, or Ayrshare's hosting of it.
    async fn url(
        &self,
        ws: &crate::foundation::domain::Workspace,
        id: &str,
        file_name: &str,
        content_type: &str,
        data: &[u8],
    ) -> AppResult<String> {
        if self.inner.public_url.is_some() {
            return Ok(self.own(&ws.id, id, ""));
        }
        let gateway = &self.inner.gateway;
        match gateway.upload_media(ws, file_name, content_type, data).await {
            Ok(reply) => Ok(reply.body.url),
            Err(GatewayError::Budget(wait)) => Err(AppError::RateLimited { retry_after: wait }),
            Err(GatewayError::Ayrshare(e)) => Err(AppError::Upstream(e)),
        }
    }

    fn view(&self, meta: MediaMeta, url: String) -> MediaView {
        let thumbnail_url = meta
            .thumbnail_type
            .as_ref()
            .map(|_| self.own(&meta.workspace_id, &meta.id, "/thumbnail"));
        MediaView {
            id: meta.id,
            url,
            content_type: meta.content_type,
            bytes: meta.bytes,
            width: meta.width,
            height: meta.height,
            thumbnail_url,
        }
    }

    /// What is known about a stored file, for serving it.
    pub async fn file(&self, ws_id: &str, id: &str) -> AppResult<MediaMeta> {
        self.inner.media.media(ws_id, id).await?.ok_or(AppError::NotFound)
    }

    /// Bytes `first..=last` of a stored file, read a chunk at a time as they are taken.
    pub fn chunks(
        &self,
        meta: &MediaMeta,
        first: u64,
        last: u64,
    ) -> impl futures::Stream<Item = Result<axum::body::Bytes, crate::storage::store::StoreError>> + Send
    {
        let (ws, id) = (meta.workspace_id.clone(), meta.id.clone());
        serve::chunks(self.inner.media.clone(), ws, id, first, last)
    }

    /// A stored file's thumbnail.
    pub async fn thumbnail(&self, ws_id: &str, id: &str) -> AppResult<Blob> {
        self.inner.media.media_thumbnail(ws_id, id).await?.ok_or(AppError::NotFound)
    }
}

/// An upload checked before anything is stored or decoded: of a type Herald takes (415),
/// an image small enough to decode (422), hashed off the async workers.
struct Checked {
    file_name: String,
    content_type: &'static str,
    /// An image's header (`None` for video, or an image whose header does not read).
    header: Option<thumbnail::Header>,
    sha256: String,
    data: Vec<u8>,
}

impl Checked {
    async fn of(upload: Upload) -> AppResult<Self> {
        let content_type = kind::sniff(&upload.data)
            .ok_or_else(|| AppError::UnsupportedMedia(kind::ACCEPTED.into()))?;
        let header = thumbnail::header(&upload.data, content_type);
        if let Some(too_large) = header.filter(|h| !h.fits()) {
            return Err(image_too_large(too_large));
        }
        let file_name = kind::file_name(&upload.file_name, content_type);
        let (data, sha256) = decode::blocking(move || {
            let sha256 = hex::encode(Sha256::digest(&upload.data));
            (upload.data, sha256)
        })
        .await?;
        Ok(Self { file_name, content_type, header, sha256, data })
    }
}

/// 422 `image_too_large`: an image whose header claims more than Herald decodes.
fn image_too_large(h: thumbnail::Header) -> AppError {
    let message = format!(
        "this image is {} x {} pixels ({} MiB decoded); Herald takes images of at most {} \
         megapixels and {} MiB decoded",
        h.width,
        h.height,
        h.decoded_bytes >> 20,
        thumbnail::MAX_PIXELS / 1_000_000,
        thumbnail::MAX_DECODED_BYTES >> 20
    );
    let details = serde_json::json!({
        "field": "file", "width": h.width, "height": h.height, "decoded_bytes": h.decoded_bytes,
        "max_pixels": thumbnail::MAX_PIXELS, "max_decoded_bytes": thumbnail::MAX_DECODED_BYTES,
    });
    AppError::unprocessable("image_too_large", message, details)
}
