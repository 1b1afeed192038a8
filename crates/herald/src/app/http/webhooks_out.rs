//! Outgoing webhook endpoints of a workspace (admin): register (the secret answered
//! once), list, change, delete, their delivery log, a manual retry and a test event.
//! Thin wrappers over [`Webhooks`].

use super::json::AppJson;
use crate::coherence::error::AppResult;
use crate::gate::auth::extract::{Access, Admin};
use crate::services::webhooks_out::Webhooks;
use crate::services::webhooks_out::{
    CreatedWebhook, DeliveryView, NewWebhook, WebhookPatch, WebhookView,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

#[utoipa::path(post, path = "/api/workspaces/{ws}/webhooks", tag = "webhooks", params(("ws" = String, Path)),
    request_body = NewWebhook,
    description = "Registers an endpoint; `secret` (`whsec_…`, Standard Webhooks) is answered this once. 422 `url_not_allowed` for a private-network target.",
    responses((status = 201, body = CreatedWebhook), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn create(
    State(hooks): State<Webhooks>,
    access: Access<Admin>,
    AppJson(input): AppJson<NewWebhook>,
) -> AppResult<(StatusCode, Json<CreatedWebhook>)> {
    Ok((StatusCode::CREATED, Json(hooks.create(&access.workspace_id, input).await?)))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/webhooks", tag = "webhooks", params(("ws" = String, Path)),
    responses((status = 200, body = [WebhookView]), (status = 401), (status = 403), (status = 404)))]
pub async fn list(
    State(hooks): State<Webhooks>,
    access: Access<Admin>,
) -> AppResult<Json<Vec<WebhookView>>> {
    Ok(Json(hooks.list(&access.workspace_id).await?))
}

#[utoipa::path(patch, path = "/api/workspaces/{ws}/webhooks/{id}", tag = "webhooks",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = WebhookPatch,
    responses((status = 200, body = WebhookView), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn update(
    State(hooks): State<Webhooks>,
    access: Access<Admin>,
    Path((_, id)): Path<(String, String)>,
    AppJson(patch): AppJson<WebhookPatch>,
) -> AppResult<Json<WebhookView>> {
    Ok(Json(hooks.update(&access.workspace_id, &id, patch).await?))
}

#[utoipa::path(delete, path = "/api/workspaces/{ws}/webhooks/{id}", tag = "webhooks",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
pub async fn delete(
    State(hooks): State<Webhooks>,
    access: Access<Admin>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    hooks.delete(&access.workspace_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/webhooks/{id}/deliveries", tag = "webhooks",
    params(("ws" = String, Path), ("id" = String, Path)),
    description = "The endpoint's last 100 deliveries, newest first.",
    responses((status = 200, body = [DeliveryView]), (status = 401), (status = 403), (status = 404)))]
pub async fn deliveries(
    State(hooks): State<Webhooks>,
    access: Access<Admin>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Json<Vec<DeliveryView>>> {
    Ok(Json(hooks.deliveries(&access.workspace_id, &id).await?))
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/webhooks/{id}/deliveries/{did}/retry", tag = "webhooks",
    params(("ws" = String, Path), ("id" = String, Path), ("did" = String, Path)),
    description = "Sends the delivery again now, with the same `webhook-id`, retried for another 24 h.",
    responses((status = 202), (status = 401), (status = 403), (status = 404)))]
pub async fn retry(
    State(hooks): State<Webhooks>,
    access: Access<Admin>,
    Path((_, id, did)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    hooks.retry(&access.workspace_id, &id, &did).await?;
    Ok(StatusCode::ACCEPTED)
}

/// The queued test delivery.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TestQueued {
    /// The delivery's id (its `webhook-id`), to find in the log.
    pub id: String,
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/webhooks/{id}/test", tag = "webhooks",
    params(("ws" = String, Path), ("id" = String, Path)),
    description = "Queues a `webhook.test` message to the endpoint (delivered and logged like any other).",
    responses((status = 202, body = TestQueued), (status = 401), (status = 403), (status = 404)))]
pub async fn test(
    State(hooks): State<Webhooks>,
    access: Access<Admin>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<(StatusCode, Json<TestQueued>)> {
    let id = hooks.test(&access.workspace_id, &id).await?;
    Ok((StatusCode::ACCEPTED, Json(TestQueued { id })))
}
