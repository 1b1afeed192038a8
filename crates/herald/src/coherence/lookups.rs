//! The reads every request makes to know who is calling and where — workspaces, tokens,
//! sessions, users, memberships — through the coherent cache, so a request that hits the
//! dashboard cache makes no database query; and the invalidations that keep them fresh.
//! Only [`crate::services::workspaces`] and [`crate::commands::people`] write these tables, and they call the
//! matching `…_changed` before acknowledging any write (see [`crate::storage::cache_keys`] for the
//! keys and tags). A change that decides who is allowed in (tokens, sessions,
//! memberships, users) must reach every instance before it is acknowledged: its
//! `…_changed` answers 503 otherwise (G6).
//!
//! A token hash Herald does not know is not cached: each guess would otherwise take a
//! cache slot (guessing itself is throttled, [`crate::coherence::ratelimit`]).

use crate::coherence::error::{AppError, AppResult};
use crate::coherence::names::Directory;
use crate::foundation::domain::{Actor, Membership, SessionRecord, User, Workspace};
use crate::storage::cache_keys::{Key, Tag};
use crate::storage::store::{Storage, StoreError, TokenRecord};
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

impl Weigh for User {
    fn weigh(&self) -> usize {
        self.id.weigh() + self.email.weigh() + self.name.weigh()
    }
}

impl Weigh for Membership {
    fn weigh(&self) -> usize {
        self.workspace_id.weigh() + self.user_id.weigh()
    }
}

impl Weigh for SessionRecord {
    fn weigh(&self) -> usize {
        self.id_hash.weigh()
            + self.user_id.weigh()
            + self.user_agent.weigh()
            + self.client_ip.weigh()
    }
}

/// Why a fill produced nothing to cache (absent records are not cached: each guess
/// would take a slot).
#[derive(Debug, thiserror::Error)]
enum Miss {
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
    /// The whole store: the lookups read four areas (workspaces and tokens, sessions,
    /// users and memberships, and review links for a directory's names).
    store: Arc<dyn Storage>,
    cache: Cache,
}

impl Lookups {
    pub fn new(store: Arc<dyn Storage>, cache: Cache) -> Self {
        Self { inner: Arc::new(Inner { store, cache }) }
    }

    pub async fn workspace(&self, id: &str) -> AppResult<Option<Workspace>> {
        let fill = || {
            let (store, owned) = (self.inner.store.clone(), id.to_owned());
            async move { store.workspace(&owned).await }
        };
        let key = Key::workspace(id);
        let found = self.inner.cache.get_or_fill(key.as_str(), &[Tag::workspace(id)], fill).await?;
        Ok(found.value.as_ref().clone())
    }

    pub async fn token_by_hash(&self, hash: &str) -> AppResult<Option<TokenRecord>> {
        let fill = || {
            let (store, owned) = (self.inner.store.clone(), hash.to_owned());
            async move { store.token_by_hash(&owned).await?.ok_or(Miss::Unknown) }
        };
        let key = Key::token(hash);
        present(self.inner.cache.get_or_fill(key.as_str(), &[Tag::tokens()], fill).await)
    }

    /// A session by the hash of its secret (absent ones are not cached).
    pub async fn session(&self, hash: &str) -> AppResult<Option<SessionRecord>> {
        let (store, owned) = (self.inner.store.clone(), hash.to_owned());
        let fill = move || async move { store.session(&owned).await?.ok_or(Miss::Unknown) };
        let key = Key::session(hash);
        let found = self.inner.cache.get_or_fill(key.as_str(), &[Tag::sessions()], fill).await;
        present(found)
    }

    pub async fn user(&self, id: &str) -> AppResult<Option<User>> {
        let (store, owned) = (self.inner.store.clone(), id.to_owned());
        let fill =
            move || async move { store.user(&owned).await?.map(|r| r.user).ok_or(Miss::Unknown) };
        let key = Key::user(id);
        present(self.inner.cache.get_or_fill(key.as_str(), &[Tag::users()], fill).await)
    }

    pub async fn memberships_of(&self, user_id: &str) -> AppResult<Vec<Membership>> {
        let (store, owned) = (self.inner.store.clone(), user_id.to_owned());
        let fill = move || async move { store.memberships_of(&owned).await };
        let key = Key::memberships(user_id);
        let found = self.inner.cache.get_or_fill(key.as_str(), &[Tag::memberships()], fill).await?;
        Ok(found.value.as_ref().clone())
    }

    /// Who is who in a workspace, with the names of the users among `actors` who are
    /// no longer members (see [`crate::coherence::names`]).
    pub async fn directory<'a>(
        &self,
        workspace_id: &str,
        actors: impl IntoIterator<Item = &'a Actor>,
    ) -> AppResult<Arc<Directory>> {
        let (store, owned) = (self.inner.store.clone(), workspace_id.to_owned());
        let fill = move || async move { Directory::load(store.as_ref(), &owned).await };
        let key = Key::directory(workspace_id);
        let tags = [Tag::users(), Tag::tokens(), Tag::memberships()];
        let mut dir = self.inner.cache.get_or_fill(key.as_str(), &tags, fill).await?.value;
        for id in dir.missing_users(actors) {
            if let Some(user) = self.user(&id).await? {
                Arc::make_mut(&mut dir).add_user(&user);
            }
        }
        Ok(dir)
    }

    /// After a session was created or ended (a login, a logout, a password reset).
    pub async fn sessions_changed(&self) -> AppResult<()> {
        self.access_changed(Tag::sessions()).await
    }

    /// After a membership was added, removed or given another role.
    pub async fn memberships_changed(&self) -> AppResult<()> {
        self.access_changed(Tag::memberships()).await
    }

    /// After a membership was removed or lowered: the store withdrew, in the same
    /// transaction, what the member had issued (tokens among it), so both tags go.
    pub async fn offboarded(&self) -> AppResult<()> {
        let tags = [Tag::memberships(), Tag::tokens()];
        self.inner.cache.invalidate(&tags).await.map_err(AppError::unavailable)
    }

    /// After a user's record changed (a new user, a name, the global-admin flag).
    pub async fn users_changed(&self) -> AppResult<()> {
        self.access_changed(Tag::users()).await
    }

    async fn access_changed(&self, tag: Tag) -> AppResult<()> {
        self.inner.cache.invalidate(&[tag]).await.map_err(AppError::unavailable)
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
        self.access_changed(Tag::tokens()).await
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

/// A record found, or `None` for one that does not exist (which the fill reports as an
/// error, so it is not cached).
fn present<T: Clone>(found: Result<herald_cache::Lookup<T>, Arc<Miss>>) -> AppResult<Option<T>> {
    match found {
        Ok(found) => Ok(Some(found.value.as_ref().clone())),
        Err(e) => match Arc::try_unwrap(e) {
            Ok(Miss::Unknown) => Ok(None),
            Ok(Miss::Store(e)) => Err(e.into()),
            Err(shared) if matches!(*shared, Miss::Unknown) => Ok(None),
            Err(shared) => Err(AppError::unavailable(shared)),
        },
    }
}
