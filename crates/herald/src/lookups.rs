//! Token and workspace reads through the coherent cache, so a request that hits the
//! dashboard cache makes no database query, and the invalidations that keep them fresh.
//! Only [`crate::workspaces`] writes these tables, and it calls `workspace_changed` /
//! `tokens_changed` before acknowledging any write (see its docs and
//! [`crate::cache_keys`] for the keys and tags).
//!
//! A token hash Herald does not know is not cached: each guess would otherwise take a
//! cache slot (guessing itself is throttled, [`crate::ratelimit`]).

use crate::cache_keys::{Key, Tag};
use crate::domain::Workspace;
use crate::error::{AppError, AppResult};
use crate::store::{Storage, StoreError, TokenRecord};
use herald_cache::{Cache, Weigh};
use std::sync::Arc;

impl Weigh for Workspace {
    fn weigh(&self) -> usize {
        self.id.weigh()
            + self.name.weigh()
            + self.profile_key.expose().len()
            + self.timezone.weigh()
    }
}

impl Weigh for TokenRecord {
    fn weigh(&self) -> usize {
        self.id.weigh() + self.workspace_id.weigh() + self.name.weigh() + self.hash.weigh()
    }
}

/// Why a token fill produced nothing to cache.
#[derive(Debug, thiserror::Error)]
enum TokenMiss {
    #[error("no such token")]
    Unknown,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Cached reads of workspaces and tokens. Cheap to clone.
#[derive(Clone)]
pub struct Lookups {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Storage>,
    cache: Cache,
}

impl Lookups {
    pub fn new(store: Arc<dyn Storage>, cache: Cache) -> Self {
        Self { inner: Arc::new(Inner { store, cache }) }
    }

    pub async fn workspace(&self, id: &str) -> AppResult<Option<Workspace>> {
        let (store, owned) = (self.inner.store.clone(), id.to_owned());
        let fill = move || async move { store.workspace(&owned).await };
        let key = Key::workspace(id);
        let found = self.inner.cache.get_or_fill(key.as_str(), &[Tag::workspace(id)], fill).await?;
        Ok(found.value.as_ref().clone())
    }

    pub async fn token_by_hash(&self, hash: &str) -> AppResult<Option<TokenRecord>> {
        let (store, owned) = (self.inner.store.clone(), hash.to_owned());
        let fill =
            move || async move { store.token_by_hash(&owned).await?.ok_or(TokenMiss::Unknown) };
        let key = Key::token(hash);
        match self.inner.cache.get_or_fill(key.as_str(), &[Tag::tokens()], fill).await {
            Ok(found) => Ok(Some(found.value.as_ref().clone())),
            Err(e) => match Arc::try_unwrap(e) {
                Ok(TokenMiss::Unknown) => Ok(None),
                Ok(TokenMiss::Store(e)) => Err(e.into()),
                Err(shared) if matches!(*shared, TokenMiss::Unknown) => Ok(None),
                Err(shared) => Err(AppError::unavailable(shared)),
            },
        }
    }

    /// Refuses (503) while a change could not reach the other instances.
    pub async fn shared_tier_reachable(&self) -> AppResult<()> {
        match self.inner.cache.shared_tier_reachable().await {
            true => Ok(()),
            false => Err(AppError::unavailable(herald_cache::Unshared)),
        }
    }

    /// After a token was created or revoked: every instance must see it before it is
    /// acknowledged (503 otherwise; access depends on it).
    pub async fn tokens_changed(&self) -> AppResult<()> {
        self.inner.cache.invalidate(&[Tag::tokens()]).await.map_err(AppError::unavailable)
    }

    /// After a workspace's settings changed. Settings are data like posts: a change the
    /// other instances cannot be told of now reaches them when this one recovers.
    pub async fn workspace_changed(&self, id: &str) -> AppResult<()> {
        if let Err(e) = self.inner.cache.invalidate(&[Tag::workspace(id)]).await {
            tracing::warn!(workspace = %id, error = %e, "workspace change not yet seen by other instances");
        }
        Ok(())
    }
}
