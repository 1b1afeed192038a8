//! Dashboard data routes: the history read (with `X-Cache`, a weak `ETag` per
//! representation, 304, and `br`/`zstd`/`gzip` by `Accept-Encoding`, compressed once per
//! cached view), the live event stream (SSE) and cache clearing.

use super::json::AppQuery;
use crate::coherence::error::{AppError, AppResult};
use crate::gate::auth::extract::{Access, GlobalAdmin, Viewer};
use crate::gate::dashboard::encoded::{Encoded, Encoding};
use crate::gate::dashboard::view::MAX_LIMIT;
use crate::gate::dashboard::Dashboard;
use crate::services::live::Live;
use crate::services::workspaces::WorkspaceService;
use axum::extract::{FromRequestParts, State};
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
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
    /// 0-1000, default 100. 0: the head alone (`counts`, `as_of`, `upstream`, no posts),
    /// for live pages that keep their list up to date from the event stream.
    pub limit: Option<usize>,
}

/// The two request headers the history read looks at (copied alone, not the whole map).
pub struct Negotiation {
    if_none_match: Option<HeaderValue>,
    coding: Encoding,
}

impl<S: Send + Sync> FromRequestParts<S> for Negotiation {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let accept = parts.headers.get(ACCEPT_ENCODING).and_then(|v| v.to_str().ok());
        let coding = Encoding::negotiate(accept);
        Ok(Self { if_none_match: parts.headers.get(IF_NONE_MATCH).cloned(), coding })
    }
}

/// Whether `If-None-Match: given` names `etag` (or is `*`).
fn matches(given: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(given) = given.to_str() else { return false };
    given.split(',').map(str::trim).any(|t| t == "*" || t.as_bytes() == etag.as_bytes())
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/history", tag = "dashboard",
    description = "The dashboard read: Herald's posts at their current version merged with Ayrshare history. Headers: X-Cache (hit|miss|bypass), a weak ETag per representation, Cache-Control: private, no-cache, Vary: Accept-Encoding; If-None-Match gives 304. Compressed with br, zstd or gzip as Accept-Encoding (q-values honoured) asks. `limit=0` answers the head alone (counts and freshness), whose ETag changes only when they do.",
    params(("ws" = String, Path), HistoryParams),
    responses((status = 200, description = "{workspace_id, as_of, upstream, counts, posts}"), (status = 304), (status = 401), (status = 404), (status = 422)))]
pub async fn history(
    State(workspaces): State<WorkspaceService>,
    State(dashboard): State<Dashboard>,
    access: Access<Viewer>,
    negotiation: Negotiation,
    AppQuery(params): AppQuery<HistoryParams>,
) -> AppResult<Response> {
    let limit = match params.limit {
        None => DEFAULT_LIMIT,
        Some(l) if l <= MAX_LIMIT => l,
        Some(_) => return Err(AppError::invalid("limit", "must be 0 to 1000")),
    };
    let ws = workspaces.get(&access.workspace_id).await?;
    let page = dashboard.history(&ws).await?;
    let rendered = page.view.render(limit, negotiation.coding);
    let not_modified =
        negotiation.if_none_match.as_ref().is_some_and(|given| matches(given, &rendered.etag));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = rendered.body.into_response();
        let h = response.headers_mut();
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(coding) = rendered.encoding.header() {
            h.insert(CONTENT_ENCODING, coding);
        }
        response
    };
    response.extensions_mut().insert(Encoded);
    let h = response.headers_mut();
    h.reserve(12); // these, the layers' and hyper's: one allocation instead of regrowing
    h.insert(ETAG, rendered.etag);
    h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    h.insert(VARY, HeaderValue::from_static("accept-encoding"));
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
