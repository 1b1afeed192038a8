//! [`SessionStore`]: sign-in sessions, stored by the hash of their id, read by the gate on
//! every cookie request and ended by logouts, password changes and resets.
//!
//! Implemented once, for [`SqlStore`] (both backends); the statements are in
//! `sql::people`.

use super::backend::{on_pool, SqlStore};
use super::rows::*;
use super::sql::*;
use super::Result;
use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::SessionRecord;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Sign-in sessions.
#[async_trait]
pub trait SessionStore: Send + Sync + 'static {
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
}

#[async_trait]
impl SessionStore for SqlStore {
    #[tracing::instrument(level = "debug", skip_all, fields(user = %s.user_id))]
    async fn create_session(&self, s: &SessionRecord) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(INSERT_SESSION)
            .bind(&s.id_hash)
            .bind(&s.user_id)
            .bind(to_ms(s.created_at))
            .bind(to_ms(s.last_seen_at))
            .bind(to_ms(s.expires_at))
            .bind(&s.user_agent)
            .bind(&s.client_ip)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>> {
        let row: Option<SessionRow> = on_pool!(&self.read, |p| sqlx::query_as(SESSION_BY_HASH)
            .bind(id_hash)
            .fetch_optional(p)
            .await?);
        Ok(row.map(SessionRecord::from))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
    async fn sessions_of(&self, user_id: &str) -> Result<Vec<SessionRecord>> {
        let rows: Vec<SessionRow> = on_pool!(&self.read, |p| sqlx::query_as(USER_SESSIONS)
            .bind(user_id)
            .fetch_all(p)
            .await?);
        Ok(rows.into_iter().map(SessionRecord::from).collect())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn delete_session(&self, id_hash: &str) -> Result<bool> {
        let done = on_pool!(&self.write, |p| sqlx::query(DELETE_SESSION)
            .bind(id_hash)
            .execute(p)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
    async fn delete_sessions_of(&self, user_id: &str) -> Result<u64> {
        let done = on_pool!(&self.write, |p| sqlx::query(DELETE_USER_SESSIONS)
            .bind(user_id)
            .execute(p)
            .await?
            .rows_affected());
        Ok(done)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(TOUCH_SESSION)
            .bind(id_hash)
            .bind(to_ms(at))
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }
}
