//! Dashboard data routes: the history read (with `X-Cache`, weak `ETag`, 304), the live
//! event stream (SSE), cache clearing and `/metrics`.

use super::extract::{Access, GlobalAdmin, Viewer};
use super::AppState;
use crate::dashboard::events_topic;
use crate::error::{AppError, AppResult};
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::Stream;
use serde_json::json;
use std::collections::HashMap;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;

#[utoipa::path(get, path = "/api/workspaces/{ws}/history", tag = "dashboard",
    description = "The dashboard read: Herald's posts at their current version merged with Ayrshare history. Headers: X-Cache (hit|miss|bypass), weak ETag, Cache-Control: private, no-cache; If-None-Match gives 304.",
    params(("ws" = String, Path), ("limit" = Option<u32>, Query, description = "1-1000, default 100")),
    responses((status = 200, description = "{workspace_id, as_of, upstream, counts, posts}"), (status = 304), (status = 401), (status = 404), (status = 422)))]
pub async fn history(
    State(state): State<AppState>,
    access: Access<Viewer>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    let limit = match q.get("limit") {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| AppError::invalid("limit", "must be 1 to 1000"))?,
    };
    let ws = state.lookups.workspace(&access.workspace_id).await?.ok_or(AppError::NotFound)?;
    let page = state.dashboard.history(&ws, limit).await?;
    let etag = HeaderValue::from_str(&page.view.etag).map_err(|e| AppError::Internal(e.into()))?;
    let not_modified = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|given| given.split(',').any(|t| t.trim() == page.view.etag));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body = axum::body::Bytes::from_owner(SharedBody(page.view.clone()));
        ([(CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
    };
    let h = response.headers_mut();
    h.insert(ETAG, etag);
    h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    h.insert("x-cache", HeaderValue::from_static(page.source));
    Ok(response)
}

/// A cached view's body, served without copying it.
struct SharedBody(std::sync::Arc<crate::dashboard::view::View>);

impl AsRef<[u8]> for SharedBody {
    fn as_ref(&self) -> &[u8] {
        self.0.body.as_bytes()
    }
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/events", tag = "dashboard",
    description = "Server-sent events: `post` (data: the post object) on every change, `history` (data: {version}) on every invalidation; `resync` if this client fell behind (re-read the history).",
    params(("ws" = String, Path)), responses((status = 200, content_type = "text/event-stream"), (status = 401), (status = 404)))]
pub async fn events(
    State(state): State<AppState>,
    access: Access<Viewer>,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    state.lookups.workspace(&access.workspace_id).await?.ok_or(AppError::NotFound)?;
    let topic = events_topic(&access.workspace_id);
    let receiver = state.dashboard.cache().messages();
    let stream = futures::stream::unfold((receiver, topic), |(mut rx, topic)| async move {
        loop {
            match rx.recv().await {
                Ok(m) if m.topic == topic => {
                    let name = m.payload["event"].as_str().unwrap_or("message").to_owned();
                    let event = Event::default().event(name).data(m.payload["data"].to_string());
                    return Some((Ok(event), (rx, topic)));
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => {
                    return Some((Ok(Event::default().event("resync").data("{}")), (rx, topic)))
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let stream = futures::StreamExt::take_until(stream, state.shutdown.clone().cancelled_owned());
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

#[utoipa::path(delete, path = "/api/cache/history", tag = "operations",
    description = "Drops cached Ayrshare history: all profiles, or one workspace's (`?workspace=ID`). Global admin.",
    params(("workspace" = Option<String>, Query)), responses((status = 200), (status = 401), (status = 403), (status = 404)))]
pub async fn clear_history(
    State(state): State<AppState>,
    _: GlobalAdmin,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Json<serde_json::Value>> {
    let ws = match q.get("workspace") {
        Some(id) => Some(state.lookups.workspace(id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let dropped = state.dashboard.clear_history(ws.as_ref()).await;
    tracing::info!(workspace = ?ws.as_ref().map(|w| &w.id), dropped, "cached history cleared");
    Ok(Json(json!({"cleared": true, "entries": dropped})))
}

#[utoipa::path(get, path = "/metrics", tag = "operations", security(()), description = "Prometheus text: cache counters, Ayrshare calls by endpoint and status, request latencies.",
    responses((status = 200, content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let m = state.dashboard.cache().metrics();
    let cache = crate::metrics::counters_text(
        "herald_cache",
        &[
            ("hits", m.hits),
            ("misses", m.misses),
            ("fills", m.fills),
            ("fill_errors", m.fill_errors),
            ("stale_fills_rejected", m.stale_fills_rejected),
            ("invalidations", m.invalidations),
            ("bypasses", m.bypasses),
            ("lease_waits", m.lease_waits),
            ("redis_errors", m.redis_errors),
        ],
    );
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render(&cache))
}
