//! The compose library routes: templates and hashtag groups (read: member; write:
//! editor) and the media library (list: member; delete: editor). Thin wrappers over
//! [`LibraryService`] and [`MediaService`].

use super::json::AppJson;
use crate::coherence::error::AppResult;
use crate::gate::auth::extract::{Access, Editor, Viewer};
use crate::services::library::{Entry, HashtagGroup, LibraryService, TemplateBody, View};
use crate::services::media::library::LibraryPage;
use crate::services::media::MediaService;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{Map, Value};

/// A template as served: `{"id", "name", "text", "platforms", "variants"?,
/// "first_comment"?, "media_urls"?}` (the schema only: one object, not a flattened pair,
/// which OpenAPI tools read as two conflicting schemas).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Template {
    id: String,
    name: String,
    text: String,
    platforms: Vec<String>,
    variants: Option<std::collections::BTreeMap<String, crate::foundation::domain::Variant>>,
    first_comment: Option<String>,
    media_urls: Option<Vec<String>>,
}

/// A template as written (create; an update gives any of its fields).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct TemplateInput {
    name: String,
    text: String,
    platforms: Vec<String>,
    variants: Option<std::collections::BTreeMap<String, crate::foundation::domain::Variant>>,
    first_comment: Option<String>,
    media_urls: Option<Vec<String>>,
}

/// A hashtag group as served: `{"id", "name", "tags"}`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct HashtagGroupView {
    id: String,
    name: String,
    tags: Vec<String>,
}

async fn list<B: Entry>(lib: &LibraryService, ws: &str) -> AppResult<Json<Vec<View<B>>>> {
    Ok(Json(lib.list::<B>(ws).await?))
}

async fn create<B: Entry>(
    lib: &LibraryService,
    access: &Access<Editor>,
    body: Map<String, Value>,
) -> AppResult<(StatusCode, Json<View<B>>)> {
    let view = lib.create::<B>(&access.principal, &access.workspace_id, body).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/templates", tag = "posts", params(("ws" = String, Path)),
    responses((status = 200, body = [Template]), (status = 401), (status = 404)))]
pub async fn list_templates(
    State(lib): State<LibraryService>,
    access: Access<Viewer>,
) -> AppResult<Json<Vec<View<TemplateBody>>>> {
    list(&lib, &access.workspace_id).await
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/templates", tag = "posts", params(("ws" = String, Path)),
    request_body = TemplateInput, description = "409 `name_taken` for a name the workspace already uses.",
    responses((status = 201, body = Template), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn create_template(
    State(lib): State<LibraryService>,
    access: Access<Editor>,
    AppJson(body): AppJson<Map<String, Value>>,
) -> AppResult<(StatusCode, Json<View<TemplateBody>>)> {
    create(&lib, &access, body).await
}

#[utoipa::path(patch, path = "/api/workspaces/{ws}/templates/{id}", tag = "posts",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = TemplateInput,
    responses((status = 200, body = Template), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn update_template(
    State(lib): State<LibraryService>,
    access: Access<Editor>,
    Path((_, id)): Path<(String, String)>,
    AppJson(patch): AppJson<Map<String, Value>>,
) -> AppResult<Json<View<TemplateBody>>> {
    Ok(Json(lib.update::<TemplateBody>(&access.workspace_id, &id, patch).await?))
}

#[utoipa::path(delete, path = "/api/workspaces/{ws}/templates/{id}", tag = "posts",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
pub async fn delete_template(
    State(lib): State<LibraryService>,
    access: Access<Editor>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    lib.delete::<TemplateBody>(&access.workspace_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/hashtag-groups", tag = "posts", params(("ws" = String, Path)),
    responses((status = 200, body = [HashtagGroupView]), (status = 401), (status = 404)))]
pub async fn list_hashtag_groups(
    State(lib): State<LibraryService>,
    access: Access<Viewer>,
) -> AppResult<Json<Vec<View<HashtagGroup>>>> {
    list(&lib, &access.workspace_id).await
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/hashtag-groups", tag = "posts", params(("ws" = String, Path)),
    request_body = HashtagGroupView, description = "409 `name_taken` for a name the workspace already uses.",
    responses((status = 201, body = HashtagGroupView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn create_hashtag_group(
    State(lib): State<LibraryService>,
    access: Access<Editor>,
    AppJson(body): AppJson<Map<String, Value>>,
) -> AppResult<(StatusCode, Json<View<HashtagGroup>>)> {
    create(&lib, &access, body).await
}

#[utoipa::path(patch, path = "/api/workspaces/{ws}/hashtag-groups/{id}", tag = "posts",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = HashtagGroupView,
    responses((status = 200, body = HashtagGroupView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn update_hashtag_group(
    State(lib): State<LibraryService>,
    access: Access<Editor>,
    Path((_, id)): Path<(String, String)>,
    AppJson(patch): AppJson<Map<String, Value>>,
) -> AppResult<Json<View<HashtagGroup>>> {
    Ok(Json(lib.update::<HashtagGroup>(&access.workspace_id, &id, patch).await?))
}

#[utoipa::path(delete, path = "/api/workspaces/{ws}/hashtag-groups/{id}", tag = "posts",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
pub async fn delete_hashtag_group(
    State(lib): State<LibraryService>,
    access: Access<Editor>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    lib.delete::<HashtagGroup>(&access.workspace_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?cursor=` of the media library.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LibraryQuery {
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/media", tag = "posts",
    params(("ws" = String, Path), LibraryQuery),
    description = "The workspace's uploads, newest first, 50 a page, each with where it is used (`used_by`).",
    responses((status = 200, body = LibraryPage), (status = 401), (status = 404), (status = 422)))]
pub async fn media_library(
    State(media): State<MediaService>,
    access: Access<Viewer>,
    Query(q): Query<LibraryQuery>,
) -> AppResult<Json<LibraryPage>> {
    Ok(Json(media.library(&access.workspace_id, q.cursor.as_deref()).await?))
}

#[utoipa::path(delete, path = "/api/workspaces/{ws}/media/{id}", tag = "posts",
    params(("ws" = String, Path), ("id" = String, Path)),
    description = "409 `in_use` while a post that is not published, failed or cancelled uses it.",
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409)))]
pub async fn delete_media(
    State(media): State<MediaService>,
    access: Access<Editor>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    media.delete(&access.workspace_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
