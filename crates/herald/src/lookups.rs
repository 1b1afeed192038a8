//! Token and workspace lookups through the coherent cache, so a request that hits the
//! dashboard cache makes no database query. Creating or revoking a token invalidates the
//! `tokens` tag; changing a workspace invalidates `workspace:{id}` — before the change is
//! acknowledged, like every other write.

use crate::domain::{LateApproval, Role, Workspace};
use crate::error::AppError;
use crate::secret::Secret;
use crate::store::{Storage, StoreError, TokenRecord};
use chrono::{DateTime, Utc};
use herald_cache::Cache;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub const TOKENS_TAG: &str = "tokens";

pub fn workspace_tag(id: &str) -> String {
    format!("workspace:{id}")
}

/// The cached form of a workspace (the cache may live in Redis, so it is plain data).
#[derive(Serialize, Deserialize)]
struct CachedWorkspace {
    id: String,
    name: String,
    profile_key: String,
    timezone: String,
    requires_approval: bool,
    late_approval: LateApproval,
    content_version: i64,
    created_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct CachedToken {
    id: String,
    workspace_id: String,
    role: Role,
    name: Option<String>,
    hash: String,
    created_at: DateTime<Utc>,
    revoked: bool,
}

/// Store errors, cloneable so every waiter of a shared fill gets one.
#[derive(Debug, Clone)]
struct Failed(Arc<StoreError>);

impl From<Failed> for AppError {
    fn from(f: Failed) -> Self {
        match Arc::try_unwrap(f.0) {
            Ok(e) => e.into(),
            Err(shared) => AppError::Unavailable(shared.to_string()),
        }
    }
}

#[derive(Clone)]
pub struct Lookups {
    store: Arc<dyn Storage>,
    cache: Cache,
}

impl Lookups {
    pub fn new(store: Arc<dyn Storage>, cache: Cache) -> Self {
        Self { store, cache }
    }

    pub async fn workspace(&self, id: &str) -> Result<Option<Workspace>, AppError> {
        let (store, owned) = (self.store.clone(), id.to_owned());
        let fill = move || async move {
            let ws = store.workspace(&owned).await.map_err(|e| Failed(Arc::new(e)))?;
            Ok::<_, Failed>(ws.map(|w| CachedWorkspace {
                profile_key: w.profile_key.expose().to_owned(),
                id: w.id,
                name: w.name,
                timezone: w.timezone,
                requires_approval: w.requires_approval,
                late_approval: w.late_approval,
                content_version: w.content_version,
                created_at: w.created_at,
            }))
        };
        let found =
            self.cache.get_or_fill(&format!("workspace:{id}"), &[workspace_tag(id)], fill).await?;
        Ok(found.value.as_ref().as_ref().map(|w| Workspace {
            id: w.id.clone(),
            name: w.name.clone(),
            profile_key: Secret::new(w.profile_key.clone()),
            timezone: w.timezone.clone(),
            requires_approval: w.requires_approval,
            late_approval: w.late_approval,
            content_version: w.content_version,
            created_at: w.created_at,
        }))
    }

    pub async fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>, AppError> {
        let (store, owned) = (self.store.clone(), hash.to_owned());
        let fill = move || async move {
            let t = store.token_by_hash(&owned).await.map_err(|e| Failed(Arc::new(e)))?;
            Ok::<_, Failed>(t.map(|t| CachedToken {
                id: t.id,
                workspace_id: t.workspace_id,
                role: t.role,
                name: t.name,
                hash: t.hash,
                created_at: t.created_at,
                revoked: t.revoked,
            }))
        };
        let found = self
            .cache
            .get_or_fill(&format!("token:{hash}"), &[TOKENS_TAG.to_owned()], fill)
            .await?;
        Ok(found.value.as_ref().as_ref().map(|t| TokenRecord {
            id: t.id.clone(),
            workspace_id: t.workspace_id.clone(),
            role: t.role,
            name: t.name.clone(),
            hash: t.hash.clone(),
            created_at: t.created_at,
            revoked: t.revoked,
        }))
    }

    /// After a token was created or revoked.
    pub async fn tokens_changed(&self) {
        self.cache.invalidate(&[TOKENS_TAG.to_owned()]).await;
    }

    /// After a workspace's settings changed.
    pub async fn workspace_changed(&self, id: &str) {
        self.cache.invalidate(&[workspace_tag(id)]).await;
    }
}
