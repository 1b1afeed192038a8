//! Media routes: the upload (`POST /api/workspaces/{ws}/media`, multipart field `file`,
//! editors and above) and the public file and thumbnail (`GET /media/{ws}/{id}[/thumbnail]`),
//! thin wrappers over [`crate::media::MediaService`]. The upload route has no body limit
//! of its own: the handler counts the file's bytes as they stream in and answers 413
//! past `HERALD_MEDIA_MAX_MB`.

use crate::auth::extract::{Access, Editor};
use crate::error::{AppError, AppResult};
use crate::media::{MediaService, MediaView, Upload};
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

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
    responses((status = 201, body = MediaView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 413), (status = 415), (status = 422), (status = 502)))]
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

/// `GET /media/{ws}/{id}`: the file, for Ayrshare and the pages.
pub async fn file(
    State(media): State<MediaService>,
    Path((ws, id)): Path<(String, String)>,
) -> AppResult<Response> {
    serve(media.file(&ws, &id, false).await?)
}

/// `GET /media/{ws}/{id}/thumbnail`.
pub async fn thumbnail(
    State(media): State<MediaService>,
    Path((ws, id)): Path<(String, String)>,
) -> AppResult<Response> {
    serve(media.file(&ws, &id, true).await?)
}

fn serve(blob: crate::domain::media::Blob) -> AppResult<Response> {
    let content_type = HeaderValue::from_str(&blob.content_type).map_err(AppError::internal)?;
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox")),
        (header::CONTENT_DISPOSITION, HeaderValue::from_static("inline")),
    ];
    Ok((headers, blob.data).into_response())
}
