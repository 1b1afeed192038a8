//! Operations routes: the external-cron scheduler trigger, Ayrshare webhooks (HMAC
//! verified on the raw body before anything is parsed, see [`super::webhook`]), health
//! and readiness.

use super::extract::{body_rejection, parse};
use super::webhook;
use super::AppState;
use crate::auth;
use crate::domain::model::now_ms;
use crate::domain::PostStatus;
use crate::error::{AppError, AppResult};
use crate::publish::{apply_outcome, Outcome};
use crate::scheduler::RunReport;
use crate::store::NewEvent;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

#[utoipa::path(post, path = "/api/scheduler/run", tag = "operations",
    description = "Publishes every due post now (for an external cron). Bearer HERALD_CRON_SECRET (or the admin token).",
    responses((status = 200, body = RunReport), (status = 401), (status = 503)))]
pub async fn run_scheduler(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> AppResult<Json<RunReport>> {
    let token = auth::bearer(headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()))
        .ok_or(AppError::Unauthorized)?;
    let cron_ok =
        state.config.cron_secret.as_ref().is_some_and(|s| auth::secrets_equal(token, s.expose()));
    if !cron_ok && !auth::secrets_equal(token, state.config.admin_token.expose()) {
        return Err(AppError::Unauthorized);
    }
    Ok(Json(state.scheduler.run_once().await?))
}

/// The part of an Ayrshare webhook Herald acts on (§9 of the reference); other fields
/// are ignored.
#[derive(Debug, Deserialize, ToSchema)]
struct Webhook {
    action: String,
    id: Option<String>,
    #[serde(rename = "hookId")]
    hook_id: Option<String>,
    #[serde(rename = "postIds", default)]
    #[schema(value_type = Vec<Object>)]
    post_ids: Vec<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    errors: Vec<serde_json::Value>,
}

#[utoipa::path(post, path = "/api/webhooks/ayrshare", tag = "operations",
    description = "Ayrshare webhooks, HMAC-SHA256 of the raw body with AYRSHARE_WEBHOOK_SECRET in X-Authorization-Content-SHA256 (or, during a secret rotation, X-Authorization-Content-SHA256-V2).",
    security(()), request_body = Webhook,
    params(("X-Authorization-Content-SHA256" = Option<String>, Header, description = "hex HMAC-SHA256 of the raw body"),
        ("X-Authorization-Content-SHA256-V2" = Option<String>, Header, description = "the same, sent by Ayrshare while the secret is rotated")),
    responses((status = 200), (status = 400), (status = 401), (status = 413), (status = 422)))]
pub async fn ayrshare_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> AppResult<impl IntoResponse> {
    let Some(secret) = state.config.webhook_secret.as_ref().filter(|s| !s.is_empty()) else {
        tracing::warn!("Ayrshare webhook refused: AYRSHARE_WEBHOOK_SECRET is not set");
        return Err(AppError::Unauthorized);
    };
    let body = body.map_err(body_rejection)?;
    if !webhook::verify(secret.expose(), &headers, &body) {
        return Err(AppError::Unauthorized);
    }
    let hook: Webhook = parse(&body)?;
    if let Some(hook_id) = &hook.hook_id {
        if !state.store.first_delivery(hook_id, now_ms()).await? {
            return Ok(Json(json!({"status": "duplicate"})));
        }
    }
    let applied = match (hook.action.as_str(), hook.id.as_deref()) {
        ("scheduled", Some(id)) => apply_publish_webhook(&state, id, &hook).await?,
        _ => false,
    };
    tracing::info!(action = %hook.action, applied, "Ayrshare webhook received");
    Ok(Json(json!({"status": "ok", "applied": applied})))
}

/// A publish result for a post Herald knows: merge the platforms it reports.
async fn apply_publish_webhook(
    state: &AppState,
    ayrshare_id: &str,
    hook: &Webhook,
) -> AppResult<bool> {
    let Some(post) = state.store.post_by_ayrshare_id(ayrshare_id).await? else { return Ok(false) };
    if matches!(post.status, PostStatus::Deleted | PostStatus::Cancelled) {
        return Ok(false);
    }
    let outcome = webhook_outcome(ayrshare_id, hook);
    let mut target = post.clone();
    let mentioned = |p: &String| {
        outcome.posted.iter().any(|x| &x.platform == p)
            || outcome.errors.iter().any(|e| e.platform.as_ref() == Some(p))
    };
    target.publish.targets = post.platforms.iter().filter(|p| mentioned(p)).cloned().collect();
    if target.publish.targets.is_empty() {
        return Ok(false);
    }
    let next = apply_outcome(&target, &outcome, now_ms());
    let event = NewEvent {
        actor: "ayrshare".into(),
        action: "webhook".into(),
        comment: None,
        from: Some(post.status),
    };
    state.writer.save(post.version, &next, &event).await?;
    Ok(true)
}

/// Reads the webhook's per-platform results (ids may be strings or numbers).
fn webhook_outcome(ayrshare_id: &str, hook: &Webhook) -> Outcome {
    let text = |v: &serde_json::Value, k: &str| match &v[k] {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let posted = hook
        .post_ids
        .iter()
        .filter_map(|v| {
            Some(ayrshare::PlatformPost {
                platform: text(v, "platform")?,
                id: text(v, "id").unwrap_or_default(),
                status: text(v, "status").unwrap_or_else(|| "success".into()),
                post_url: text(v, "postUrl"),
            })
        })
        .collect();
    let errors = hook
        .errors
        .iter()
        .map(|v| ayrshare::PlatformError {
            platform: text(v, "platform"),
            code: v["code"].as_i64(),
            message: text(v, "message").unwrap_or_else(|| "Ayrshare reported an error".into()),
        })
        .collect();
    Outcome { ayrshare_id: Some(ayrshare_id.to_owned()), posted, errors, refused: None }
}

#[utoipa::path(get, path = "/healthz", tag = "operations", security(()), responses((status = 200)))]
pub async fn healthz() -> &'static str {
    "ok"
}

#[utoipa::path(get, path = "/readyz", tag = "operations", security(()), responses((status = 200), (status = 503)))]
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let cache = state.dashboard.cache().tier();
    match state.store.ping().await {
        Ok(()) => {
            (StatusCode::OK, Json(json!({"status": "ready", "database": "ok", "cache": cache})))
        }
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "database": "unavailable", "cache": cache})),
            )
        }
    }
}
