//! The whole application in one place: the JSON API ([`crate::app::http`]), the pages
//! ([`crate::app::web`]), the fallbacks (an unknown address is a page for a browser, the 404
//! error body for an API client), and the layers every request passes, outermost
//! first: request id → trace span → security headers → compression → metrics → panic
//! guard → authentication, rate limits and the timeout ([`crate::gate::auth::layer`]) → body
//! limit → the handler. The panic guard answers a handler's panic (a bug) with the 500
//! error body instead of a dropped connection, and logs it. Compression (`br`, `zstd`,
//! `gzip` by `Accept-Encoding`) applies to JSON answers of 1 KiB or more, except those
//! already in their final coding (the dashboard read compresses once per cached view,
//! [`crate::gate::dashboard::encoded`]); pages, assets and event streams pass as they are.

use crate::app::http::{self, BODY_LIMIT};
use crate::app::metrics;
use crate::app::state::AppState;
use crate::app::web;
use crate::coherence::error::AppError;
use crate::gate::auth::layer::authenticate;
use crate::gate::dashboard::encoded::Encoded;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, Version};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// What shapes the router besides the state.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Serve `/metrics` on the API port (false when it has a listener of its own).
    pub metrics_on_api: bool,
    /// Clients reach Herald over https: send HSTS.
    pub https: bool,
}

/// The application router.
pub fn router(state: AppState, options: Options) -> Router {
    let (api, openapi) = http::api();
    let openapi = Arc::new(openapi);
    let mut app = api
        .route("/api/openapi.json", get(move || async move { Json(openapi.as_ref().clone()) }))
        .merge(http::media_routes())
        .merge(web::routes());
    if options.metrics_on_api {
        app = app.merge(http::metrics_route());
    }
    // One `Router::layer` per stack, built outermost first: each `Router::layer` call boxes
    // the route once more, and a boxed service is cloned and its future boxed on every
    // request, so a stack of separate calls costs a dashboard hit that many allocations.
    let stack = ServiceBuilder::new()
        .layer(CompressionLayer::new().compress_when(compress_json.and(SizeAbove::new(1024))))
        .layer(middleware::from_fn_with_state(state.metrics.clone(), metrics::record))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn_with_state(state.gate.clone(), authenticate))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    let app = app
        .fallback(web::fallback)
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(stack);
    with_common_layers(app, options.https).with_state(state)
}

/// Whether the compression layer may encode a response: JSON not yet encoded.
fn compress_json(_: StatusCode, _: Version, headers: &HeaderMap, extensions: &Extensions) -> bool {
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    json && extensions.get::<Encoded>().is_none()
}

/// `/metrics` alone, for `HERALD_METRICS_BIND`.
pub fn metrics_router(state: AppState) -> Router {
    let app = http::metrics_route().fallback(|| async { AppError::NotFound });
    with_common_layers(app, false).with_state(state)
}

fn with_common_layers(app: Router<AppState>, https: bool) -> Router<AppState> {
    let header =
        |name, value| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value));
    let hsts =
        https.then(|| header(STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains"));
    app.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(TraceLayer::new_for_http().make_span_with(span))
            .option_layer(hsts)
            // Answers that say nothing else are never stored (review N16: `/api/me` and
            // the sign-in answer carry the CSRF token); pages, assets, media and the
            // dashboard set their own.
            .layer(header(CACHE_CONTROL, "no-store"))
            .layer(header(REFERRER_POLICY, "no-referrer"))
            .layer(header(X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .layer(header(X_FRAME_OPTIONS, "DENY")),
    )
}

/// The span of a request: its method, route template (never the raw path: ids and
/// tokens stay out of logs) and request id.
fn span(req: &Request) -> tracing::Span {
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str());
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
    tracing::info_span!("request", method = %req.method(), route, request_id = id)
}

/// A handler panicked: a bug. Logged once; the client gets the 500 error body.
fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    AppError::internal(format!("handler panicked: {what}")).into_response()
}
