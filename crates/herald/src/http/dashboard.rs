//! Dashboard data routes: the history read (with `X-Cache`, weak `ETag`, 304), the live
//! event stream (SSE) and cache clearing.

use super::json::AppQuery;
use crate::auth::extract::{Access, GlobalAdmin, Viewer};
use crate::dashboard::view::MAX_LIMIT;
use crate::dashboard::Dashboard;
use crate::error::{AppError, AppResult};
use crate::live::Live;
use crate::workspaces::WorkspaceService;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::Stream;
use serde::Deserialize;
use serde_json::json;
use std::convert::Infallible;
use utoipa::IntoParams;

pub const DEFAULT_LIMIT: usize = 100;

/// The query of the history read.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct HistoryParams {
    /// 1-1000, default 100.
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/history", tag = "dashboard",
    description = "The dashboard read: Herald's posts at their current version merged with Ayrshare history. Headers: X-Cache (hit|miss|bypass), weak ETag, Cache-Control: private, no-cache; If-None-Match gives 304.",
    params(("ws" = String, Path), HistoryParams),
    responses((status = 200, description = "{workspace_id, as_of, upstream, counts, posts}"), (status = 304), (status = 401), (status = 404), (status = 422)))]
pub async fn history(
    State(workspaces): State<WorkspaceService>,
    State(dashboard): State<Dashboard>,
    access: Access<Viewer>,
    headers: HeaderMap,
    AppQuery(params): AppQuery<HistoryParams>,
) -> AppResult<Response> {
    let limit = match params.limit {
        None => DEFAULT_LIMIT,
        Some(l) if (1..=MAX_LIMIT).contains(&l) => l,
        Some(_) => return Err(AppError::invalid("limit", "must be 1 to 1000")),
    };
    let ws = workspaces.get(&access.workspace_id).await?;
    let page = dashboard.history(&ws).await?;
    let etag = page.view.etag(limit);
    let not_modified = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|given| given.split(',').any(|t| t.trim() == etag));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let json = HeaderValue::from_static("application/json");
        ([(CONTENT_TYPE, json)], page.view.body(limit)).into_response()
    };
    let h = response.headers_mut();
    h.insert(ETAG, HeaderValue::from_str(&etag).map_err(AppError::internal)?);
    h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    h.insert("x-cache", HeaderValue::from_static(page.source.as_str()));
    Ok(response)
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/events", tag = "dashboard",
    description = "Server-sent events: `post` (data: the post object) on every change, `history` (data: {version}) on every invalidation; `resync` if this client fell behind (re-read the history). Ends when the caller's access is revoked. At most 20 streams per caller (429).",
    params(("ws" = String, Path)), responses((status = 200, content_type = "text/event-stream"), (status = 401), (status = 404), (status = 429)))]
pub async fn events(
    State(workspaces): State<WorkspaceService>,
    State(live): State<Live>,
    access: Access<Viewer>,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    workspaces.get(&access.workspace_id).await?;
    let stream = live.stream(access.principal, &access.workspace_id)?;
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The query of `DELETE /api/cache/history`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ClearParams {
    /// Only this workspace's history.
    pub workspace: Option<String>,
}

#[utoipa::path(delete, path = "/api/cache/history", tag = "operations",
    description = "Drops cached Ayrshare history: all profiles, or one workspace's (`?workspace=ID`). Global admin.",
    params(ClearParams), responses((status = 200), (status = 401), (status = 403), (status = 404)))]
pub async fn clear_history(
    State(workspaces): State<WorkspaceService>,
    State(dashboard): State<Dashboard>,
    _: GlobalAdmin,
    AppQuery(params): AppQuery<ClearParams>,
) -> AppResult<Json<serde_json::Value>> {
    let ws = match &params.workspace {
        Some(id) => Some(workspaces.get(id).await?),
        None => None,
    };
    let dropped = dashboard.clear_history(ws.as_ref()).await;
    tracing::info!(workspace = ?params.workspace, dropped, "cached history cleared");
    Ok(Json(json!({"cleared": true, "entries": dropped})))
}
