//! Storage: one trait of whole operations, implemented for SQLite and, behind the same
//! trait, PostgreSQL. Every post mutation is one transaction that writes the post, appends
//! its audit event and bumps the workspace's content version, guarded by the post's
//! `version` (optimistic concurrency). No backend type leaks through this trait.
//!
//! People (users, memberships, sessions, invitations) are stored by whole operations too:
//! a password change ends the user's sessions in its transaction, an invitation is
//! accepted once with its membership in one transaction, and no membership change leaves
//! a workspace without an admin ([`StoreError::LastAdmin`]), however concurrent.
//!
//! Both backends run the same statements, written once in `sql`; `sqlite` and `postgres`
//! hold only what differs (opening, pools, a few statements). `rows` maps rows to domain
//! records, `error` sqlx failures to [`StoreError`].

mod error;
pub mod postgres;
mod rows;
mod sql;
pub mod sqlite;

use crate::domain::{AuditAction, Event, Post, PostStatus, Role, Workspace};
use crate::domain::{Invitation, Member, Membership, SessionRecord, User, UserRecord};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::fmt;
use std::sync::Arc;

pub use error::{constraint, StoreError};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The audit-trail part of a change; `to`, `version` and `at` come from the new post.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub actor: String,
    pub action: AuditAction,
    pub comment: Option<String>,
    pub from: Option<PostStatus>,
}

/// A committed post change: the post as stored, its event, and the workspace content
/// version the transaction produced.
#[derive(Debug, Clone)]
pub struct Committed {
    pub post: Post,
    pub event: Event,
    pub content_version: i64,
}

/// Position in a newest-first post listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at_ms: i64,
    pub id: String,
}

/// A post listing request.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub status: Option<PostStatus>,
    pub limit: u32,
    pub cursor: Option<Cursor>,
}

/// A page of posts, newest first, with the cursor of the next page if there is one.
#[derive(Debug, Clone)]
pub struct Page {
    pub posts: Vec<Post>,
    pub next: Option<Cursor>,
}

/// How many posts a workspace has, by status and by platform (a post on two platforms
/// counts once for each).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    pub total: i64,
    pub by_status: std::collections::BTreeMap<String, i64>,
    pub by_platform: std::collections::BTreeMap<String, i64>,
}

/// A workspace token as stored (its secret only as a hash).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TokenRecord {
    pub id: String,
    pub workspace_id: String,
    pub role: Role,
    pub name: Option<String>,
    pub hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
    /// The id of the user who created it, where known.
    #[serde(default)]
    pub created_by: Option<String>,
}

/// Who accepts an invitation: a new user (created in the accepting transaction) or an
/// existing one. `Debug` leaves the password hash out.
#[derive(Clone)]
pub enum Acceptance {
    NewUser { user: User, password_hash: String },
    Existing { user_id: String },
}

impl fmt::Debug for Acceptance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NewUser { user, .. } => f.debug_struct("NewUser").field("user", user).finish(),
            Self::Existing { user_id } => {
                f.debug_struct("Existing").field("user_id", user_id).finish()
            }
        }
    }
}

/// An accepted invitation: the user (as stored) and the role they now hold in the
/// workspace, the higher of the invited one and any they held before.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub user: User,
    pub workspace_id: String,
    pub role: Role,
}

/// Turns a due post into its claimed form and the claim's audit event, or `None` to
/// leave it. Called inside the claiming transaction.
pub type ClaimFn<'a> = &'a (dyn Fn(&Post) -> Option<(Post, NewEvent)> + Send + Sync);

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// Cheap round trip, for `/readyz`.
    async fn ping(&self) -> Result<()>;
    /// Closes the store on shutdown, waiting for operations in flight; any operation
    /// after it fails as [`StoreError::Unavailable`].
    async fn close(&self);

    async fn create_workspace(&self, ws: &Workspace) -> Result<()>;
    async fn workspace(&self, id: &str) -> Result<Option<Workspace>>;
    async fn workspace_by_name(&self, name: &str) -> Result<Option<Workspace>>;
    async fn workspaces(&self) -> Result<Vec<Workspace>>;
    /// Replaces the workspace's settings (not its content version).
    async fn update_workspace(&self, ws: &Workspace) -> Result<()>;
    /// The workspace's content version, bumped by every post change.
    async fn content_version(&self, workspace_id: &str) -> Result<i64>;

    async fn create_token(&self, token: &TokenRecord) -> Result<()>;
    async fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>>;
    async fn tokens(&self, workspace_id: &str) -> Result<Vec<TokenRecord>>;
    /// Marks a token revoked; false if the workspace has no such live token.
    async fn revoke_token(&self, workspace_id: &str, id: &str) -> Result<bool>;

    /// Inserts a new post with its first event, in one transaction.
    async fn insert_post(&self, post: &Post, event: &NewEvent) -> Result<Committed>;
    /// Writes `post` (whose `version` must be `expected_version + 1`) if the stored post
    /// is still at `expected_version`, with its event, in one transaction.
    async fn save_post(
        &self,
        expected_version: i64,
        post: &Post,
        event: &NewEvent,
    ) -> Result<Committed>;
    async fn post(&self, workspace_id: &str, id: &str) -> Result<Option<Post>>;
    async fn post_by_ayrshare_id(&self, ayrshare_id: &str) -> Result<Option<Post>>;
    async fn events(&self, post_id: &str) -> Result<Vec<Event>>;
    async fn posts(&self, workspace_id: &str, query: &ListQuery) -> Result<Page>;
    async fn counts(&self, workspace_id: &str) -> Result<Counts>;

    /// Claims up to `limit` posts that are due (`scheduled` with `schedule_at <= now`) or
    /// whose publishing lease expired before `now`, applying `claim` to each in one
    /// transaction. A post is claimed by at most one caller, whatever the concurrency.
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        claim: ClaimFn<'_>,
    ) -> Result<Vec<Committed>>;

    /// Records a webhook delivery id; false if it was seen before (at-least-once delivery).
    async fn first_delivery(&self, hook_id: &str, at: DateTime<Utc>) -> Result<bool>;

    /// How many of the workspace's posts that include `platform` are `scheduled`,
    /// `publishing`, `published` or `partially_published` with their time (`schedule_at`,
    /// else `published_at`) in `[from, to)`: what counts against a network cap.
    async fn platform_load(
        &self,
        workspace_id: &str,
        platform: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64>;

    /// Creates a user, the e-mail stored lowercased; `Duplicate` of
    /// [`constraint::USER_EMAIL`] if the address is taken, whatever its case.
    async fn create_user(&self, user: &User, password_hash: Option<&str>) -> Result<()>;
    async fn user(&self, id: &str) -> Result<Option<UserRecord>>;
    /// The user with this e-mail address, whatever its case.
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>>;
    /// Writes the user's name, `global_admin` and `notify_email` (not the e-mail);
    /// `NotFound` if there is no such user.
    async fn update_user(&self, user: &User) -> Result<()>;
    /// Sets the user's password hash and ends all their sessions, in one transaction;
    /// how many sessions ended. `NotFound` if there is no such user.
    async fn set_password(&self, user_id: &str, password_hash: &str) -> Result<u64>;

    /// The user's memberships, oldest first.
    async fn memberships_of(&self, user_id: &str) -> Result<Vec<Membership>>;
    /// The workspace's members by name (case-insensitively, then by id).
    async fn members(&self, workspace_id: &str) -> Result<Vec<Member>>;
    /// Adds the user to the workspace with `role`, or changes their role; `LastAdmin` if
    /// that would demote the workspace's last admin, `NotFound` for an unknown workspace
    /// or user.
    async fn set_member(&self, workspace_id: &str, user_id: &str, role: Role) -> Result<()>;
    /// Removes the user from the workspace; false if they were not a member, `LastAdmin`
    /// if they are its last admin.
    async fn remove_member(&self, workspace_id: &str, user_id: &str) -> Result<bool>;

    async fn create_session(&self, session: &SessionRecord) -> Result<()>;
    /// The session as stored, expired or not (the caller decides).
    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>>;
    /// The user's sessions, newest first.
    async fn sessions_of(&self, user_id: &str) -> Result<Vec<SessionRecord>>;
    /// Ends a session; false if there was none.
    async fn delete_session(&self, id_hash: &str) -> Result<bool>;
    /// Ends all the user's sessions; how many there were.
    async fn delete_sessions_of(&self, user_id: &str) -> Result<u64>;
    /// Moves the session's `last_seen_at` forward to `at` (never back); a session that
    /// is gone stays gone.
    async fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> Result<()>;

    /// Stores an invitation, its e-mail lowercased.
    async fn create_invitation(&self, invitation: &Invitation) -> Result<()>;
    /// The workspace's open invitations (neither accepted nor withdrawn; expired ones
    /// included), oldest first.
    async fn invitations(&self, workspace_id: &str) -> Result<Vec<Invitation>>;
    /// Withdraws an open invitation; false if the workspace has no such open invitation.
    async fn withdraw_invitation(
        &self,
        workspace_id: &str,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool>;
    /// The invitation with this token hash, whatever its state.
    async fn invitation_by_hash(&self, token_hash: &str) -> Result<Option<Invitation>>;
    /// In one transaction: marks the invitation accepted at `now` if it is still open and
    /// unexpired, creates the user of [`Acceptance::NewUser`], and gives the user the
    /// invited role in the workspace (a member keeps a higher role). `Gone` if it was
    /// accepted, withdrawn or expired, `NotFound` if there is no such invitation (or no
    /// such existing user), `Duplicate` if the new user's e-mail is taken; then nothing is
    /// written. Of concurrent acceptances of one invitation exactly one succeeds.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        acceptance: &Acceptance,
    ) -> Result<Accepted>;
}

/// Opens the store a `DATABASE_URL` names and runs its migrations: `postgres://…` or,
/// otherwise, a SQLite file (`sqlite://path`, `sqlite:path` or a bare path).
pub async fn open(url: &str, max_connections: u32) -> anyhow::Result<Arc<dyn Storage>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PgStore::open(url, max_connections).await?;
        return Ok(Arc::new(store));
    }
    let store = SqliteStore::open(url, max_connections).await?;
    Ok(Arc::new(store))
}
