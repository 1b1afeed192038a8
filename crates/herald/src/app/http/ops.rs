//! Operations routes: the external-cron scheduler trigger, Ayrshare webhooks (HMAC
//! verified on the raw body before anything is parsed), health, readiness and metrics.

use super::json::body_rejection;
use crate::app::metrics::Metrics;
use crate::app::state::Ops;
use crate::coherence::error::{AppError, AppResult};
use crate::gate::auth::extract::GlobalAdmin;
use crate::gate::auth::{bearer, Principal};
use crate::gate::dashboard::monitor::Report;
use crate::gate::dashboard::Dashboard;
use crate::services::scheduler::{RunReport, Scheduler};
use crate::services::webhooks::WebhookService;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

#[utoipa::path(post, path = "/api/scheduler/run", tag = "operations",
    description = "Publishes every due post now (for an external cron). Bearer HERALD_CRON_SECRET (or the admin token).",
    responses((status = 200, body = RunReport), (status = 401), (status = 503)))]
pub async fn run_scheduler(
    State(ops): State<Ops>,
    State(scheduler): State<Scheduler>,
    principal: Option<Principal>,
    headers: HeaderMap,
) -> AppResult<Json<RunReport>> {
    let header = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    let token = bearer(header).ok_or(AppError::Unauthorized)?;
    ops.may_run_scheduler(token, principal.as_ref())?;
    Ok(Json(scheduler.run_once().await?))
}

#[utoipa::path(post, path = "/api/webhooks/ayrshare", tag = "operations",
    description = "Ayrshare webhooks, HMAC-SHA256 of the raw body with AYRSHARE_WEBHOOK_SECRET in X-Authorization-Content-SHA256 (or, during a secret rotation, X-Authorization-Content-SHA256-V2). Each delivery is applied once; replays and deliveries older than an hour are answered `duplicate` / `stale` and change nothing.",
    security(()), request_body(content = Object, description = "An Ayrshare webhook delivery"),
    params(("X-Authorization-Content-SHA256" = Option<String>, Header, description = "hex HMAC-SHA256 of the raw body"),
        ("X-Authorization-Content-SHA256-V2" = Option<String>, Header, description = "the same, sent by Ayrshare while the secret is rotated")),
    responses((status = 200), (status = 400), (status = 401), (status = 413), (status = 422)))]
pub async fn ayrshare_webhook(
    State(webhooks): State<WebhookService>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> AppResult<impl IntoResponse> {
    let body = body.map_err(body_rejection)?;
    webhooks.verify(&headers, &body)?;
    let (status, applied) = webhooks.apply(&body).await?;
    Ok(Json(json!({"status": status, "applied": applied})))
}

#[utoipa::path(get, path = "/api/ops/freshness", tag = "operations",
    description = "The freshness monitor (G11), summed over every instance: dashboard answers re-checked against the database after answering (a sample, HERALD_FRESHNESS_SAMPLE), the violations among them, and since when. Global admin.",
    responses((status = 200, body = Report), (status = 401), (status = 403)))]
pub async fn freshness(
    State(dashboard): State<Dashboard>,
    _: GlobalAdmin,
) -> AppResult<Json<Report>> {
    Ok(Json(dashboard.monitor().totals().await?))
}

#[utoipa::path(get, path = "/healthz", tag = "operations", security(()), responses((status = 200)))]
pub async fn healthz() -> &'static str {
    "ok"
}

#[utoipa::path(get, path = "/readyz", tag = "operations", security(()), responses((status = 200), (status = 503)))]
pub async fn readyz(State(ops): State<Ops>) -> impl IntoResponse {
    let (database, cache) = ops.readiness().await;
    let (status, state, db) = match database {
        true => (StatusCode::OK, "ready", "ok"),
        false => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "unavailable"),
    };
    (status, Json(json!({"status": state, "database": db, "cache": cache})))
}

#[utoipa::path(get, path = "/metrics", tag = "operations", security(()),
    description = "OpenMetrics text: requests, Ayrshare calls by endpoint and status, latencies, cache counters. On its own listener when HERALD_METRICS_BIND is set.",
    responses((status = 200, content_type = "application/openmetrics-text")))]
pub async fn metrics(State(metrics): State<Metrics>, State(ops): State<Ops>) -> impl IntoResponse {
    let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    ([(CONTENT_TYPE, content_type)], metrics.render(ops.cache()))
}
