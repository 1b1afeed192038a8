//! Workspaces and their tokens: create (global admin), list, read, change settings and
//! manage tokens (workspace admin). Profile keys are only ever answered as a hint.

use super::extract::{Access, Admin, AppJson, GlobalAdmin, Viewer};
use super::AppState;
use crate::auth::{self, Principal};
use crate::domain::model::now_ms;
use crate::domain::{validate, LateApproval, Role, Workspace, WorkspaceView};
use crate::error::{AppError, AppResult};
use crate::secret::Secret;
use crate::store::TokenRecord;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkspace {
    pub name: String,
    /// The Ayrshare user profile key; a secret, never returned.
    pub ayrshare_profile_key: String,
    /// IANA time zone, e.g. `Europe/Paris` (default `UTC`).
    pub timezone: Option<String>,
    pub requires_approval: Option<bool>,
    pub late_approval: Option<LateApproval>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspacePatch {
    pub name: Option<String>,
    pub ayrshare_profile_key: Option<String>,
    pub timezone: Option<String>,
    pub requires_approval: Option<bool>,
    pub late_approval: Option<LateApproval>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub role: Role,
    pub name: Option<String>,
}

/// A token as listed: never the token itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: String,
    pub role: Role,
    pub name: Option<String>,
    pub revoked: bool,
}

/// A new token: the only time it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: String,
    pub token: String,
    pub role: Role,
    pub name: Option<String>,
}

fn check_timezone(tz: &str) -> AppResult<()> {
    tz.parse::<chrono_tz::Tz>()
        .map(|_| ())
        .map_err(|_| AppError::invalid("timezone", "unknown IANA time zone"))
}

fn check_profile_key(key: &str) -> AppResult<()> {
    let ok =
        !key.trim().is_empty() && key.len() <= 256 && key.chars().all(|c| c.is_ascii_graphic());
    ok.then_some(()).ok_or_else(|| {
        AppError::invalid("ayrshare_profile_key", "must be 1 to 256 visible ASCII characters")
    })
}

#[utoipa::path(post, path = "/api/workspaces", tag = "workspaces", request_body = NewWorkspace,
    responses((status = 201, body = WorkspaceView), (status = 401), (status = 403), (status = 409), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    _: GlobalAdmin,
    AppJson(input): AppJson<NewWorkspace>,
) -> AppResult<(StatusCode, Json<WorkspaceView>)> {
    validate::name("name", &input.name)?;
    check_profile_key(&input.ayrshare_profile_key)?;
    let timezone = input.timezone.unwrap_or_else(|| "UTC".into());
    check_timezone(&timezone)?;
    let ws = Workspace {
        id: uuid::Uuid::now_v7().to_string(),
        name: input.name.trim().to_owned(),
        profile_key: Secret::new(input.ayrshare_profile_key),
        timezone,
        requires_approval: input.requires_approval.unwrap_or(true),
        late_approval: input.late_approval.unwrap_or_default(),
        content_version: 0,
        created_at: now_ms(),
    };
    state.store.create_workspace(&ws).await.map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict("a workspace with this name exists".into()),
        other => other,
    })?;
    state.lookups.workspace_changed(&ws.id).await;
    tracing::info!(workspace = %ws.id, profile_key = %ws.profile_key.hint(), "workspace created");
    Ok((StatusCode::CREATED, Json(WorkspaceView::from(&ws))))
}

#[utoipa::path(get, path = "/api/workspaces", tag = "workspaces",
    responses((status = 200, body = [WorkspaceView]), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    who: Principal,
) -> AppResult<Json<Vec<WorkspaceView>>> {
    let all = match &who {
        Principal::Admin => state.store.workspaces().await?,
        Principal::Workspace { workspace_id, .. } => {
            state.store.workspace(workspace_id).await?.into_iter().collect()
        }
    };
    Ok(Json(all.iter().map(WorkspaceView::from).collect()))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}", tag = "workspaces", params(("ws" = String, Path)),
    responses((status = 200, body = WorkspaceView), (status = 401), (status = 404)))]
pub async fn get_one(
    State(state): State<AppState>,
    access: Access<Viewer>,
) -> AppResult<Json<WorkspaceView>> {
    let ws = state.posts.workspace(&access.workspace_id).await?;
    Ok(Json(WorkspaceView::from(&ws)))
}

#[utoipa::path(patch, path = "/api/workspaces/{ws}", tag = "workspaces", params(("ws" = String, Path)), request_body = WorkspacePatch,
    responses((status = 200, body = WorkspaceView), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    access: Access<Admin>,
    AppJson(patch): AppJson<WorkspacePatch>,
) -> AppResult<Json<WorkspaceView>> {
    let mut ws = state.posts.workspace(&access.workspace_id).await?;
    if let Some(name) = patch.name {
        validate::name("name", &name)?;
        ws.name = name.trim().to_owned();
    }
    if let Some(key) = patch.ayrshare_profile_key {
        check_profile_key(&key)?;
        ws.profile_key = Secret::new(key);
    }
    if let Some(tz) = patch.timezone {
        check_timezone(&tz)?;
        ws.timezone = tz;
    }
    ws.requires_approval = patch.requires_approval.unwrap_or(ws.requires_approval);
    ws.late_approval = patch.late_approval.unwrap_or(ws.late_approval);
    state.store.update_workspace(&ws).await.map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict("a workspace with this name exists".into()),
        other => other,
    })?;
    state.lookups.workspace_changed(&ws.id).await;
    Ok(Json(WorkspaceView::from(&ws)))
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/tokens", tag = "workspaces", params(("ws" = String, Path)), request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn create_token(
    State(state): State<AppState>,
    access: Access<Admin>,
    AppJson(input): AppJson<NewToken>,
) -> AppResult<(StatusCode, Json<CreatedToken>)> {
    state.posts.workspace(&access.workspace_id).await?;
    if let Some(name) = &input.name {
        validate::name("name", name)?;
    }
    let created = issue_token(&state, &access.workspace_id, input.role, input.name).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Creates and stores a token; the returned value is the only copy of the secret.
pub async fn issue_token(
    state: &AppState,
    workspace_id: &str,
    role: Role,
    name: Option<String>,
) -> AppResult<CreatedToken> {
    let (token, hash) = auth::new_token();
    let record = TokenRecord {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: workspace_id.to_owned(),
        role,
        name: name.clone(),
        hash,
        created_at: now_ms(),
        revoked: false,
    };
    state.store.create_token(&record).await?;
    state.lookups.tokens_changed().await;
    Ok(CreatedToken { id: record.id, token: token.expose().to_owned(), role, name })
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/tokens", tag = "workspaces", params(("ws" = String, Path)),
    responses((status = 200, body = [TokenView]), (status = 401), (status = 403), (status = 404)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    access: Access<Admin>,
) -> AppResult<Json<Vec<TokenView>>> {
    let tokens = state.store.tokens(&access.workspace_id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenView { id: t.id, role: t.role, name: t.name, revoked: t.revoked })
            .collect(),
    ))
}

#[utoipa::path(delete, path = "/api/workspaces/{ws}/tokens/{id}", tag = "workspaces",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    access: Access<Admin>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    if state.store.revoke_token(&access.workspace_id, &id).await? {
        state.lookups.tokens_changed().await;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound)
    }
}
