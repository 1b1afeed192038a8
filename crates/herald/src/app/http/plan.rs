//! Plan routes (API.md "Plan"): the workspace's posting queue, CSV import of posts and
//! RSS / Atom feeds. Thin wrappers over [`PlanService`] and [`Feeds`].

use super::json::{AppJson, AppQuery};
use crate::coherence::error::{AppError, AppResult};
use crate::coherence::names::PostView;
use crate::gate::auth::extract::{Access, Admin, Editor, Viewer};
use crate::services::plan::feeds::{FeedView, Feeds, NewFeed};
use crate::services::plan::import::{self, RowError, Skipped};
use crate::services::plan::{PlanService, QueueInput, QueueView};
use crate::services::posts::PostService;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[utoipa::path(get, path = "/api/workspaces/{ws}/queue", tag = "posts", params(("ws" = String, Path)),
    description = "The posting queue: weekly slots in the workspace's zone, whether it is paused, and the next 10 free slots.",
    responses((status = 200, body = QueueView), (status = 401), (status = 404)))]
pub async fn queue(
    State(plan): State<PlanService>,
    access: Access<Viewer>,
) -> AppResult<Json<QueueView>> {
    Ok(Json(plan.queue(&access.workspace_id).await?))
}

#[utoipa::path(put, path = "/api/workspaces/{ws}/queue", tag = "posts", params(("ws" = String, Path)),
    request_body = QueueInput,
    description = "Sets the slots (and `paused`). Pausing holds the queue's posts (`waiting_for: queue_paused`); resuming moves those whose time passed to the next free slots, in order.",
    responses((status = 200, body = QueueView), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn set_queue(
    State(plan): State<PlanService>,
    access: Access<Admin>,
    AppJson(input): AppJson<QueueInput>,
) -> AppResult<Json<QueueView>> {
    Ok(Json(plan.set_queue(&access.principal, &access.workspace_id, input).await?))
}

/// The query of `POST …/posts/import`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ImportParams {
    /// Check every row and create nothing.
    pub dry_run: Option<bool>,
    /// Submit the rows (default: drafts).
    pub submit: Option<bool>,
}

/// The answer of an import (201) or of a dry run (200, `created` 0).
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportAnswer {
    pub created: usize,
    pub posts: Vec<PostView>,
    /// Rows whose `external_id` was imported before.
    pub skipped: Vec<Skipped>,
    /// Rows that passed every check.
    pub valid: usize,
    pub dry_run: bool,
}

/// The details of 422 `import_invalid`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProblems {
    pub rows: Vec<RowError>,
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/posts/import", tag = "posts",
    params(("ws" = String, Path), ImportParams),
    request_body(content = String, content_type = "text/csv", description = "UTF-8 CSV with a header row (or multipart field `file`): text, platforms, schedule_at, first_comment, media_urls, queue, external_id"),
    description = "All or nothing: one bad row is 422 `import_invalid` with `details.rows` listing every bad row and field, and nothing is created. At most 1,000 rows (413 beyond). `first_comment` is checked but not stored (posts have no first comment yet).",
    responses((status = 201, body = ImportAnswer), (status = 200, body = ImportAnswer), (status = 401), (status = 403), (status = 404), (status = 413), (status = 422, body = ImportProblems)))]
pub async fn import(
    State(plan): State<PlanService>,
    State(posts): State<PostService>,
    access: Access<Editor>,
    AppQuery(params): AppQuery<ImportParams>,
    request: Request,
) -> AppResult<Response> {
    let body = csv_body(request).await?;
    let options = import::Options {
        dry_run: params.dry_run.unwrap_or(false),
        submit: params.submit.unwrap_or(false),
    };
    let done = plan.import(&posts, &access.principal, &access.workspace_id, &body, options).await?;
    let posts = posts.present_all(&access.workspace_id, done.posts).await?;
    let status = if options.dry_run { StatusCode::OK } else { StatusCode::CREATED };
    let answer = ImportAnswer {
        created: posts.len(),
        posts,
        skipped: done.skipped,
        valid: done.valid,
        dry_run: options.dry_run,
    };
    Ok((status, Json(answer)).into_response())
}

/// The CSV: the body itself, or the multipart field `file`; read at most
/// [`import::MAX_BODY`] bytes (413 past it).
async fn csv_body(request: Request) -> AppResult<Bytes> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if !multipart {
        return axum::body::to_bytes(request.into_body(), import::MAX_BODY)
            .await
            .map_err(|_| AppError::TooLarge);
    }
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|e| AppError::invalid("file", e.body_text()))?;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::TooLarge)? {
        if field.name() == Some("file") {
            return field.bytes().await.map_err(|_| AppError::TooLarge);
        }
    }
    Err(AppError::invalid("file", "the form has no `file` field"))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/feeds", tag = "posts", params(("ws" = String, Path)),
    responses((status = 200, body = [FeedView]), (status = 401), (status = 403), (status = 404)))]
pub async fn feeds(
    State(feeds): State<Feeds>,
    access: Access<Admin>,
) -> AppResult<Json<Vec<FeedView>>> {
    Ok(Json(feeds.list(&access.workspace_id).await?))
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/feeds", tag = "posts", params(("ws" = String, Path)),
    request_body = NewFeed,
    description = "Adds an RSS 2.0 or Atom feed: each new item becomes one draft. 422 `url_not_allowed` for an address on a loopback, private or link-local network (unless HERALD_FEEDS_ALLOW_PRIVATE=true).",
    responses((status = 201, body = FeedView), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn create_feed(
    State(feeds): State<Feeds>,
    access: Access<Admin>,
    AppJson(input): AppJson<NewFeed>,
) -> AppResult<(StatusCode, Json<FeedView>)> {
    Ok((StatusCode::CREATED, Json(feeds.create(&access.workspace_id, input).await?)))
}

#[utoipa::path(delete, path = "/api/workspaces/{ws}/feeds/{id}", tag = "posts",
    params(("ws" = String, Path), ("id" = String, Path)),
    description = "Removes the feed; the drafts it made stay.",
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
pub async fn delete_feed(
    State(feeds): State<Feeds>,
    access: Access<Admin>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    feeds.delete(&access.workspace_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
