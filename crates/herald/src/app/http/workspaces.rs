//! Workspaces and their tokens: create (global admin), list, read, change settings and
//! manage tokens (workspace admin). Thin wrappers over [`WorkspaceService`]. Profile
//! keys are only ever answered as a hint, and only to the workspace's admins.

use super::json::{AppJson, AppQuery};
use crate::coherence::error::AppResult;
use crate::foundation::domain::Role;
use crate::gate::auth::extract::{Access, Admin, GlobalAdmin, Viewer};
use crate::gate::auth::Principal;
use crate::services::accounts::{AccountService, Accounts, LinkPage};
use crate::services::workspaces::{
    CreatedToken, NewToken, NewWorkspace, TokenView, WorkspacePatch, WorkspaceService,
    WorkspaceView,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

#[utoipa::path(post, path = "/api/workspaces", tag = "workspaces", request_body = NewWorkspace,
    responses((status = 201, body = WorkspaceView), (status = 401), (status = 403), (status = 409), (status = 422)))]
pub async fn create(
    State(workspaces): State<WorkspaceService>,
    _: GlobalAdmin,
    AppJson(input): AppJson<NewWorkspace>,
) -> AppResult<(StatusCode, Json<WorkspaceView>)> {
    let ws = workspaces.create(input).await?;
    Ok((StatusCode::CREATED, Json(workspaces.view(&ws, Some(Role::Admin)))))
}

#[utoipa::path(get, path = "/api/workspaces", tag = "workspaces",
    responses((status = 200, body = [WorkspaceView]), (status = 401)))]
pub async fn list(
    State(workspaces): State<WorkspaceService>,
    who: Principal,
) -> AppResult<Json<Vec<WorkspaceView>>> {
    let all = workspaces.list(&who).await?;
    Ok(Json(all.iter().map(|ws| workspaces.view(ws, who.role_in(&ws.id))).collect()))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}", tag = "workspaces", params(("ws" = String, Path)),
    responses((status = 200, body = WorkspaceView), (status = 401), (status = 404)))]
pub async fn get_one(
    State(workspaces): State<WorkspaceService>,
    access: Access<Viewer>,
) -> AppResult<Json<WorkspaceView>> {
    let ws = workspaces.get(&access.workspace_id).await?;
    Ok(Json(workspaces.view(&ws, Some(access.role))))
}

#[utoipa::path(patch, path = "/api/workspaces/{ws}", tag = "workspaces", params(("ws" = String, Path)), request_body = WorkspacePatch,
    responses((status = 200, body = WorkspaceView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn update(
    State(workspaces): State<WorkspaceService>,
    access: Access<Admin>,
    AppJson(patch): AppJson<WorkspacePatch>,
) -> AppResult<Json<WorkspaceView>> {
    let ws = workspaces.update(&access.workspace_id, patch).await?;
    Ok(Json(workspaces.view(&ws, Some(access.role))))
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/tokens", tag = "workspaces", params(("ws" = String, Path)), request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn create_token(
    State(workspaces): State<WorkspaceService>,
    access: Access<Admin>,
    AppJson(input): AppJson<NewToken>,
) -> AppResult<(StatusCode, Json<CreatedToken>)> {
    let created = workspaces.issue_token(&access.principal, &access.workspace_id, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/tokens", tag = "workspaces", params(("ws" = String, Path)),
    responses((status = 200, body = [TokenView]), (status = 401), (status = 403), (status = 404)))]
pub async fn list_tokens(
    State(workspaces): State<WorkspaceService>,
    access: Access<Admin>,
) -> AppResult<Json<Vec<TokenView>>> {
    Ok(Json(workspaces.token_views(&access.workspace_id).await?))
}

#[utoipa::path(delete, path = "/api/workspaces/{ws}/tokens/{id}", tag = "workspaces",
    description = "Revokes a token. 503 when the revocation could not be made visible on every instance (retry it).",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 503)))]
pub async fn revoke_token(
    State(workspaces): State<WorkspaceService>,
    access: Access<Admin>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    workspaces.revoke_token(&access.workspace_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?refresh=true`: read Ayrshare again (at most once per ten seconds per profile).
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct AccountsQuery {
    #[serde(default)]
    pub refresh: bool,
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/accounts", tag = "workspaces", params(("ws" = String, Path), AccountsQuery),
    description = "The social accounts linked to the workspace's Ayrshare profile (from Ayrshare `GET /user`, cached: `as_of` says when it was read, `upstream` whether that is now or an older copy). `refresh=true` reads Ayrshare again unless the last read is under ten seconds old.",
    responses((status = 200, body = Accounts), (status = 401), (status = 404)))]
pub async fn accounts(
    State(workspaces): State<WorkspaceService>,
    State(accounts): State<AccountService>,
    access: Access<Viewer>,
    AppQuery(query): AppQuery<AccountsQuery>,
) -> AppResult<Json<Accounts>> {
    let ws = workspaces.get(&access.workspace_id).await?;
    if query.refresh {
        return Ok(Json(accounts.refreshed(&ws).await));
    }
    Ok(Json(accounts.linked(&ws).await))
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/connect", tag = "workspaces", params(("ws" = String, Path)),
    description = "Ayrshare's page where the team links social accounts to the workspace's profile. 409 `not_configured` without AYRSHARE_DOMAIN and AYRSHARE_PRIVATE_KEY_FILE.",
    responses((status = 200, body = LinkPage), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422), (status = 502)))]
pub async fn connect(
    State(workspaces): State<WorkspaceService>,
    State(accounts): State<AccountService>,
    access: Access<Admin>,
) -> AppResult<Json<LinkPage>> {
    let ws = workspaces.get(&access.workspace_id).await?;
    Ok(Json(accounts.link_page(&ws).await?))
}
