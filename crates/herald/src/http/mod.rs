//! The HTTP API of API.md: shared state, the router (every route registered with its
//! OpenAPI description, so `GET /api/openapi.json` always describes all of them), and the
//! layers every request passes (tracing, per-caller rate limit, body limit, timeout,
//! JSON 404/405).

mod dashboard;
pub mod extract;
mod ops;
mod posts;
pub mod ratelimit;
pub mod webhook;
pub mod workspaces;

use crate::changes::Writer;
use crate::dashboard::Dashboard;
use crate::error::AppError;
use crate::lookups::Lookups;
use crate::metrics::Metrics;
use crate::posts::PostService;
use crate::scheduler::Scheduler;
use crate::secret::Secret;
use crate::store::Storage;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Largest request body accepted (posts are text plus URLs).
pub const BODY_LIMIT: usize = 256 * 1024;

/// Secrets the HTTP layer checks.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub admin_token: Secret,
    pub cron_secret: Option<Secret>,
    pub webhook_secret: Option<Secret>,
    /// Requests per minute per token (or per client IP without one); 0 = unlimited.
    pub rate_limit_per_minute: u32,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Storage>,
    pub writer: Writer,
    pub posts: PostService,
    pub scheduler: Scheduler,
    pub dashboard: Dashboard,
    pub lookups: Lookups,
    pub metrics: Arc<Metrics>,
    pub config: Arc<HttpConfig>,
    /// Cancelled when the server starts draining, so endless responses (SSE) end.
    pub shutdown: tokio_util::sync::CancellationToken,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Herald", description = "Team publishing through Ayrshare: workspaces, posts with approval, scheduling, a never-stale dashboard."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "workspaces"), (name = "posts"), (name = "dashboard"), (name = "operations"))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The routes and their OpenAPI document.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(workspaces::create, workspaces::list))
        .routes(routes!(workspaces::get_one, workspaces::update))
        .routes(routes!(workspaces::create_token, workspaces::list_tokens))
        .routes(routes!(workspaces::revoke_token))
        .routes(routes!(posts::create, posts::list))
        .routes(routes!(posts::get_one, posts::edit, posts::delete))
        .routes(routes!(posts::submit))
        .routes(routes!(posts::approve))
        .routes(routes!(posts::reject))
        .routes(routes!(posts::request_changes))
        .routes(routes!(posts::retry))
        .routes(routes!(dashboard::history))
        .routes(routes!(dashboard::events))
        .routes(routes!(dashboard::clear_history))
        .routes(routes!(dashboard::metrics))
        .routes(routes!(ops::run_scheduler))
        .routes(routes!(ops::ayrshare_webhook))
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::readyz))
        .split_for_parts();
    (routes, document_limits(openapi))
}

/// Adds the answers the layers give to the operations' own: 429 (rate limited) on every
/// route but the exempt probes, 413 on every route that takes a body.
fn document_limits(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::ResponseBuilder;
    let answer = |description: &str| ResponseBuilder::new().description(description).build().into();
    for (path, item) in doc.paths.paths.iter_mut() {
        let limited = !ratelimit::EXEMPT_PATHS.contains(&path.as_str());
        for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete]
            .into_iter()
            .flatten()
        {
            let responses = &mut op.responses.responses;
            if limited {
                responses
                    .entry("429".into())
                    .or_insert_with(|| answer("rate limited; retry after `Retry-After` seconds"));
            }
            if op.request_body.is_some() {
                responses
                    .entry("413".into())
                    .or_insert_with(|| answer("request body over 256 KiB"));
            }
        }
    }
    doc
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let (routes, openapi) = api();
    let openapi = Arc::new(openapi);
    let mut app = routes
        .route("/api/openapi.json", get(move || async move { Json(openapi.as_ref().clone()) }))
        .merge(crate::web::routes())
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { method_not_allowed() })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(60),
        ));
    if state.config.rate_limit_per_minute > 0 {
        let limiter = Arc::new(ratelimit::RateLimiter::new(state.config.rate_limit_per_minute));
        app = app.layer(middleware::from_fn_with_state(limiter, ratelimit::limit));
    }
    app.layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn_with_state(state.metrics.clone(), record_request))
        .with_state(state)
}

/// Counts requests and their latency by method, route template and status.
async fn record_request(
    axum::extract::State(metrics): axum::extract::State<Arc<Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics.observe(
        "herald_http_request_duration_seconds",
        vec![("method", method.clone()), ("route", route.clone())],
        started.elapsed(),
    );
    metrics.inc(
        "herald_http_requests_total",
        vec![("method", method), ("route", route), ("status", status)],
    );
    response
}

fn method_not_allowed() -> impl IntoResponse {
    let body = serde_json::json!({"error": {"code": "method_not_allowed", "message": "method not allowed on this route", "details": {}}});
    (StatusCode::METHOD_NOT_ALLOWED, Json(body))
}

/// The OpenAPI document, for tools that want it without a server.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}
