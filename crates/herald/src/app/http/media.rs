//! Media routes: the upload (`POST /api/workspaces/{ws}/media`, multipart field `file`,
//! editors and above) and the public file and thumbnail (`GET /media/{ws}/{id}[/thumbnail]`,
//! whole or one byte range, with an `ETag`), thin wrappers over
//! [`crate::services::media::MediaService`]. The upload route has no body limit
//! of its own: the handler counts the file's bytes as they stream in and answers 413
//! past `HERALD_MEDIA_MAX_MB`.

use crate::coherence::error::{AppError, AppResult};
use crate::gate::auth::extract::{Access, Editor};
use crate::services::media::serve::Range;
use crate::services::media::{MediaService, MediaView, Upload};
use axum::body::{Body, Bytes};
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sha2::{Digest, Sha256};

/// The multipart body of an upload (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The image or video.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/media", tag = "posts", params(("ws" = String, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    description = "Uploads an image or video for a post; `url` goes into `media_urls`.",
    responses((status = 201, body = MediaView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 413), (status = 415), (status = 422), (status = 502), (status = 503)))]
pub async fn upload(
    State(media): State<MediaService>,
    access: Access<Editor>,
    form: Result<Multipart, MultipartRejection>,
) -> AppResult<(StatusCode, Json<MediaView>)> {
    let mut form = form
        .map_err(|e| AppError::Malformed(format!("send the file as multipart/form-data: {e}")))?;
    while let Some(field) = form.next_field().await.map_err(malformed)? {
        if field.name() == Some("file") {
            let upload = read(field, media.max_bytes()).await?;
            let view = media.upload(&access.principal, &access.workspace_id, upload).await?;
            return Ok((StatusCode::CREATED, Json(view)));
        }
    }
    Err(AppError::invalid("file", "attach the file as the multipart field `file`"))
}

fn malformed(e: axum::extract::multipart::MultipartError) -> AppError {
    AppError::Malformed(format!("the multipart body could not be read: {e}"))
}

/// The field's bytes, refused (413) as soon as they pass `max`.
async fn read(mut field: Field<'_>, max: usize) -> AppResult<Upload> {
    let file_name = field.file_name().unwrap_or("file").to_owned();
    let mut data = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(malformed)? {
        if data.len() + chunk.len() > max {
            return Err(AppError::TooLarge);
        }
        data.extend_from_slice(&chunk);
    }
    Ok(Upload { file_name, data })
}

/// `GET /media/{ws}/{id}`: the file, for Ayrshare and the pages, whole or one byte
/// range, read from the store a chunk at a time as the client takes it.
pub async fn file(
    State(media): State<MediaService>,
    Path((ws, id)): Path<(String, String)>,
    request: HeaderMap,
) -> AppResult<Response> {
    let meta = media.file(&ws, &id).await?;
    let len = u64::try_from(meta.bytes).unwrap_or(0);
    let etag = format!("\"{}\"", meta.sha256);
    let served = Served { content_type: &meta.content_type, len, etag: &etag };
    served.answer(&request, |first, last| Body::from_stream(media.chunks(&meta, first, last)))
}

/// `GET /media/{ws}/{id}/thumbnail` (small: read whole).
pub async fn thumbnail(
    State(media): State<MediaService>,
    Path((ws, id)): Path<(String, String)>,
    request: HeaderMap,
) -> AppResult<Response> {
    let blob = media.thumbnail(&ws, &id).await?;
    let etag = format!("\"t-{}\"", hex::encode(&Sha256::digest(&blob.data)[..16]));
    let data = Bytes::from(blob.data);
    let served = Served { content_type: &blob.content_type, len: data.len() as u64, etag: &etag };
    served.answer(&request, |first, last| {
        let range = usize::try_from(first).unwrap_or(0)..=usize::try_from(last).unwrap_or(0);
        Body::from(data.slice(range))
    })
}

/// A body to serve: its type, length and entity tag.
struct Served<'a> {
    content_type: &'a str,
    len: u64,
    etag: &'a str,
}

impl Served<'_> {
    /// 304 when the client's copy is current; else the range the request asks for (206,
    /// or 416 past the end) or the whole body (200), with the bytes `body(first, last)`
    /// gives. Every answer carries the media headers (sandboxing CSP, inline, immutable).
    fn answer(
        &self,
        request: &HeaderMap,
        body: impl FnOnce(u64, u64) -> Body,
    ) -> AppResult<Response> {
        let mut headers = self.media_headers()?;
        if self.matches(request.get(header::IF_NONE_MATCH)) {
            return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
        }
        let content_type = HeaderValue::from_str(self.content_type).map_err(AppError::internal)?;
        headers.insert(header::CONTENT_TYPE, content_type);
        let (status, first, last) = match self.range(request) {
            _ if self.len == 0 => {
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(0));
                return Ok((StatusCode::OK, headers, Body::empty()).into_response());
            }
            Range::Whole => (StatusCode::OK, 0, self.len - 1),
            Range::Part { first, last } => {
                let range = format!("bytes {first}-{last}/{}", self.len);
                let range = HeaderValue::try_from(range).map_err(AppError::internal)?;
                headers.insert(header::CONTENT_RANGE, range);
                (StatusCode::PARTIAL_CONTENT, first, last)
            }
            Range::Unsatisfiable => return self.unsatisfiable(),
        };
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(last - first + 1));
        Ok((status, headers, body(first, last)).into_response())
    }

    /// The headers of every answer with the body or about it.
    fn media_headers(&self) -> AppResult<HeaderMap> {
        let etag = HeaderValue::from_str(self.etag).map_err(AppError::internal)?;
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, etag);
        headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
        Ok(headers)
    }

    /// 416 with the error body and the length the client can ask within.
    fn unsatisfiable(&self) -> AppResult<Response> {
        let mut refused = AppError::RangeNotSatisfiable { len: self.len }.into_response();
        let range = HeaderValue::try_from(format!("bytes */{}", self.len));
        let headers = refused.headers_mut();
        headers.insert(header::CONTENT_RANGE, range.map_err(AppError::internal)?);
        headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        Ok(refused)
    }

    /// Whether an `If-None-Match` or `If-Range` value names this body.
    fn matches(&self, tags: Option<&HeaderValue>) -> bool {
        let tags = tags.and_then(|v| v.to_str().ok()).unwrap_or("");
        tags.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == self.etag)
    }

    /// The range asked for; the whole body when `If-Range` names another version.
    fn range(&self, request: &HeaderMap) -> Range {
        let if_range = request.get(header::IF_RANGE);
        if if_range.is_some() && !self.matches(if_range) {
            return Range::Whole;
        }
        let asked = request.get(header::RANGE).and_then(|v| v.to_str().ok());
        Range::of(asked, self.len)
    }
}

const CACHE: &str = "public, max-age=31536000, immutable";
const CSP: &str = "default-src 'none'; sandbox";
