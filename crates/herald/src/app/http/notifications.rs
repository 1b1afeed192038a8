//! Notification routes (API.md "Notifications"): the signed-in person's list and
//! marking read. Thin wrappers over [`crate::services::notify::Notifier`].

use super::json::{AppJson, AppQuery};
use crate::coherence::error::AppResult;
use crate::gate::auth::Principal;
use crate::services::notify::{NotificationView, Notifier};
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The query of `GET /api/me/notifications`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ListParams {
    /// `true`: only unread ones.
    pub unread: Option<bool>,
}

/// Body of `POST /api/me/notifications/read`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// The notifications to mark read (others' and unknown ids are ignored).
    pub ids: Vec<String>,
}

/// How many notifications a `read` call marked.
#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    pub marked: u64,
}

#[utoipa::path(get, path = "/api/me/notifications", tag = "people", params(ListParams),
    description = "The signed-in person's notifications, newest first (at most 100).",
    responses((status = 200, body = [NotificationView]), (status = 401), (status = 403)))]
pub async fn list(
    State(notifier): State<Notifier>,
    who: Principal,
    AppQuery(params): AppQuery<ListParams>,
) -> AppResult<Json<Vec<NotificationView>>> {
    let list = notifier.list(&who, params.unread.unwrap_or(false)).await?;
    Ok(Json(list.iter().map(NotificationView::from).collect()))
}

#[utoipa::path(post, path = "/api/me/notifications/read", tag = "people", request_body = MarkRead,
    responses((status = 200, body = Marked), (status = 401), (status = 403), (status = 422)))]
pub async fn mark_read(
    State(notifier): State<Notifier>,
    who: Principal,
    AppJson(body): AppJson<MarkRead>,
) -> AppResult<Json<Marked>> {
    Ok(Json(Marked { marked: notifier.mark_read(&who, &body.ids).await? }))
}
