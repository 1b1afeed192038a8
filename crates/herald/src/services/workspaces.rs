//! The workspace and token use cases (create, list, read, change settings; issue, list
//! and revoke tokens) and their write path.
//!
//! Every workspace or token write goes through the two private functions at the bottom,
//! [`WorkspaceService::workspace_written`] and [`WorkspaceService::tokens_written`],
//! which invalidate the cached reads ([`crate::coherence::lookups`]) before the write is
//! acknowledged — the same rule as post writes ([`crate::coherence::changes`]). A revocation that
//! other instances could not be told of is not acknowledged (503, G6): the service
//! refuses to start one while the shared cache tier is unreachable, and answers 503 if
//! telling the others failed after the write (a retry then completes it).

use crate::coherence::error::{AppError, AppResult};
use crate::coherence::gateway::{Gateway, XSource};
use crate::coherence::lookups::Lookups;
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::review::ReviewLink;
use crate::foundation::domain::{validate, Actor, LateApproval, Role, Workspace, XCredentials};
use crate::foundation::secret::Secret;
use crate::gate::auth::{self, Principal};
use crate::storage::cache_keys::ProfileRef;
use crate::storage::store::constraint::WORKSPACE_NAME;
use crate::storage::store::{AccessStore, ReviewStore, StoreError, TokenRecord};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

/// The API view of a workspace: the profile key only as a hint, X credentials only as
/// where they come from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkspaceView {
    pub id: String,
    pub name: String,
    pub timezone: String,
    pub requires_approval: bool,
    pub late_approval: LateApproval,
    /// The first characters of the profile key, for the workspace's admins only (null
    /// for everyone else).
    pub profile_key_hint: Option<String>,
    /// Whose X credentials its X posts carry: its own, the global ones, or none.
    pub x_credentials: XSource,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Body of `POST /api/workspaces`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkspace {
    pub name: String,
    /// The Ayrshare user profile key; a secret, never returned. Without it Herald
    /// creates the Ayrshare profile (titled with the workspace name).
    pub ayrshare_profile_key: Option<String>,
    /// IANA time zone, e.g. `Europe/Paris` (default `UTC`).
    pub timezone: Option<String>,
    pub requires_approval: Option<bool>,
    pub late_approval: Option<LateApproval>,
}

/// Body of `PATCH /api/workspaces/{ws}`: absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspacePatch {
    pub name: Option<String>,
    pub ayrshare_profile_key: Option<String>,
    pub timezone: Option<String>,
    pub requires_approval: Option<bool>,
    pub late_approval: Option<LateApproval>,
    /// The workspace's own X (Twitter) OAuth1 API key; write-only. Give both, or both
    /// empty to remove them.
    pub x_api_key: Option<String>,
    pub x_api_secret: Option<String>,
}

/// Body of `POST /api/workspaces/{ws}/tokens`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub role: Role,
    pub name: Option<String>,
}

/// A new token: the only time it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: String,
    pub token: String,
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
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The id of the user who created it (null: the admin token, or before people).
    pub created_by: Option<String>,
    pub created_by_name: Option<String>,
    /// Who issued it: `user:<id>`, `token:<id>` or `admin` (null: not recorded). Revoking
    /// that token or removing that member revokes this one.
    #[schema(value_type = Option<String>)]
    pub issued_by: Option<Actor>,
}

/// The user a new token counts as (four eyes): whoever created it, as a person; a token
/// made by a token counts as that token's creator.
fn creator(who: &Principal) -> Option<String> {
    match who {
        Principal::User(p) => Some(p.user.id.clone()),
        Principal::Token { created_by, .. } => created_by.clone(),
        Principal::Admin | Principal::Reviewer(_) => None,
    }
}

/// The workspace and token use cases. Cheap to clone.
#[derive(Clone)]
pub struct WorkspaceService {
    inner: Arc<Inner>,
}

struct Inner {
    access: Arc<dyn AccessStore>,
    /// Only to create review links (a credential, like a token).
    review: Arc<dyn ReviewStore>,
    lookups: Lookups,
    gateway: Gateway,
}

impl WorkspaceService {
    pub fn new(
        access: Arc<dyn AccessStore>,
        review: Arc<dyn ReviewStore>,
        lookups: Lookups,
        gateway: Gateway,
    ) -> Self {
        Self { inner: Arc::new(Inner { access, review, lookups, gateway }) }
    }

    /// A workspace as a caller holding `role` there sees it: the profile key hint only
    /// for an admin.
    pub fn view(&self, ws: &Workspace, role: Option<Role>) -> WorkspaceView {
        WorkspaceView {
            id: ws.id.clone(),
            name: ws.name.clone(),
            timezone: ws.timezone.clone(),
            requires_approval: ws.requires_approval,
            late_approval: ws.late_approval,
            profile_key_hint: (role == Some(Role::Admin)).then(|| ws.profile_key.hint()),
            x_credentials: self.inner.gateway.x_source(ws),
            created_at: ws.created_at,
        }
    }

    /// A workspace, from the cache.
    pub async fn get(&self, id: &str) -> AppResult<Workspace> {
        self.inner.lookups.workspace(id).await?.ok_or(AppError::NotFound)
    }

    /// Every workspace for a global admin; a token's own; a person's memberships'.
    pub async fn list(&self, who: &Principal) -> AppResult<Vec<Workspace>> {
        if who.is_global_admin() {
            return Ok(self.inner.access.workspaces().await?);
        }
        let ids: Vec<String> = match who {
            Principal::Token { workspace_id, .. } => vec![workspace_id.clone()],
            Principal::User(p) => p.memberships.iter().map(|m| m.workspace_id.clone()).collect(),
            Principal::Admin | Principal::Reviewer(_) => vec![],
        };
        let mut all = Vec::with_capacity(ids.len());
        for id in ids {
            all.extend(self.inner.lookups.workspace(&id).await?);
        }
        Ok(all)
    }

    #[tracing::instrument(skip_all)]
    pub async fn create(&self, input: NewWorkspace) -> AppResult<Workspace> {
        validate::name("name", &input.name)?;
        if let Some(key) = &input.ayrshare_profile_key {
            check_profile_key(key)?;
        }
        let timezone = input.timezone.unwrap_or_else(|| "UTC".into());
        check_timezone(&timezone)?;
        let name = input.name.trim().to_owned();
        let profile_key = match input.ayrshare_profile_key {
            Some(key) => Secret::new(key),
            None => self.new_profile(&name).await?,
        };
        let ws = Workspace {
            id: uuid::Uuid::now_v7().to_string(),
            name,
            profile_key,
            timezone,
            requires_approval: input.requires_approval.unwrap_or(true),
            late_approval: input.late_approval.unwrap_or_default(),
            content_version: 0,
            created_at: now_ms(),
            x_credentials: None,
        };
        let written = self.inner.access.create_workspace(&ws).await;
        self.workspace_written(&ws.id, written).await?;
        tracing::info!(workspace = %ws.id, profile = %ProfileRef::of(&ws.profile_key), "workspace created");
        Ok(ws)
    }

    #[tracing::instrument(skip_all, fields(workspace = %id))]
    pub async fn update(&self, id: &str, patch: WorkspacePatch) -> AppResult<Workspace> {
        let mut ws = self.get(id).await?;
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
        if let Some(x) = x_credentials(patch.x_api_key, patch.x_api_secret)? {
            ws.x_credentials = x;
        }
        ws.requires_approval = patch.requires_approval.unwrap_or(ws.requires_approval);
        ws.late_approval = patch.late_approval.unwrap_or(ws.late_approval);
        let written = self.inner.access.update_workspace(&ws).await;
        self.workspace_written(&ws.id, written).await?;
        Ok(ws)
    }

    /// Creates and stores a token; the returned value is the only copy of the secret.
    #[tracing::instrument(skip_all, fields(workspace = %workspace_id))]
    pub async fn issue_token(
        &self,
        who: &Principal,
        workspace_id: &str,
        input: NewToken,
    ) -> AppResult<CreatedToken> {
        self.get(workspace_id).await?;
        if let Some(name) = &input.name {
            validate::name("name", name)?;
        }
        let (token, hash) = auth::new_token();
        let record = TokenRecord {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: workspace_id.to_owned(),
            role: input.role,
            name: input.name.clone(),
            hash,
            created_at: now_ms(),
            revoked: false,
            created_by: creator(who),
            issued_by: Some(who.actor()),
        };
        let written = self.inner.access.create_token(&record).await;
        self.tokens_written(written).await?;
        Ok(CreatedToken {
            id: record.id,
            token: token.expose().to_owned(),
            role: input.role,
            name: input.name,
        })
    }

    pub async fn tokens(&self, workspace_id: &str) -> AppResult<Vec<TokenRecord>> {
        Ok(self.inner.access.tokens(workspace_id).await?)
    }

    /// The workspace's tokens as listed, with who created them.
    pub async fn token_views(&self, workspace_id: &str) -> AppResult<Vec<TokenView>> {
        let tokens = self.tokens(workspace_id).await?;
        let creators: Vec<Actor> =
            tokens.iter().filter_map(|t| t.created_by.as_deref()).map(Actor::user).collect();
        let names = self.inner.lookups.directory(workspace_id, &creators).await?;
        let view = |t: TokenRecord| TokenView {
            created_by_name: t.created_by.as_deref().map(|u| names.name_of(&Actor::user(u))),
            id: t.id,
            role: t.role,
            name: t.name,
            revoked: t.revoked,
            created_at: t.created_at,
            created_by: t.created_by,
            issued_by: t.issued_by,
        };
        Ok(tokens.into_iter().map(view).collect())
    }

    /// Revokes a token, once every instance can be told (503 otherwise), and with it
    /// what it issued (the store's one transaction). Revoking one already revoked
    /// completes an earlier, unacknowledged revocation.
    #[tracing::instrument(skip_all, fields(workspace = %workspace_id, token = %id))]
    pub async fn revoke_token(&self, workspace_id: &str, id: &str) -> AppResult<()> {
        self.inner.lookups.shared_tier_reachable().await?;
        let revoked = self.inner.access.revoke_token(workspace_id, id).await;
        if let Ok(false) = revoked {
            let known =
                self.tokens(workspace_id).await?.into_iter().any(|t| t.id == id && t.revoked);
            if !known {
                return Err(AppError::NotFound);
            }
        }
        self.tokens_written(revoked.map(|_| ())).await
    }

    /// The write path of client review links: the link, then the invalidation of the
    /// tokens' records (the reviewer's name joins the workspace's directory everywhere,
    /// and a link is a credential like a token).
    pub async fn create_review_link(&self, link: &ReviewLink) -> AppResult<()> {
        let written = self.inner.review.create_review_link(link).await;
        self.tokens_written(written).await
    }

    /// The write path of workspace rows: the outcome, then the invalidation.
    async fn workspace_written(&self, id: &str, written: Result<(), StoreError>) -> AppResult<()> {
        written.map_err(|e| match e {
            StoreError::Duplicate { constraint } if constraint == WORKSPACE_NAME => {
                AppError::conflict("conflict", "a workspace with this name exists")
            }
            other => other.into(),
        })?;
        self.inner.lookups.workspace_changed(id).await
    }

    /// The write path of token rows: the outcome, then the invalidation (which must
    /// reach every instance: access depends on it).
    async fn tokens_written(&self, written: Result<(), StoreError>) -> AppResult<()> {
        written?;
        self.inner.lookups.tokens_changed().await
    }
}

impl WorkspaceService {
    /// Creates the Ayrshare profile of a new workspace; its key is the workspace's.
    async fn new_profile(&self, title: &str) -> AppResult<Secret> {
        if self.inner.access.workspace_by_name(title).await?.is_some() {
            return Err(AppError::conflict("conflict", "a workspace with this name exists"));
        }
        let key = self.inner.gateway.create_profile(title).await?;
        tracing::info!(profile = %ProfileRef::of(&key), "Ayrshare profile created");
        Ok(key)
    }
}

/// The X credentials a patch sets: `None` to leave them, `Some(None)` to remove them.
fn x_credentials(
    key: Option<String>,
    secret: Option<String>,
) -> AppResult<Option<Option<XCredentials>>> {
    let check = |field: &str, v: &str| {
        let ok = v.len() <= 256 && v.chars().all(|c| c.is_ascii_graphic());
        ok.then_some(())
            .ok_or_else(|| AppError::invalid(field, "must be up to 256 visible ASCII characters"))
    };
    match (key, secret) {
        (None, None) => Ok(None),
        (Some(k), Some(s)) if k.is_empty() && s.is_empty() => Ok(Some(None)),
        (Some(k), Some(s)) if !k.is_empty() && !s.is_empty() => {
            check("x_api_key", &k)?;
            check("x_api_secret", &s)?;
            Ok(Some(Some(XCredentials { api_key: Secret::new(k), api_secret: Secret::new(s) })))
        }
        (k, _) => {
            let missing =
                if k.as_deref().is_none_or(str::is_empty) { "x_api_key" } else { "x_api_secret" };
            Err(AppError::invalid(
                missing,
                "Give both the X API key and its secret (or both empty to remove them).",
            ))
        }
    }
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
