//! [`AccessStore`]: workspaces and API tokens: the records every request's access is
//! decided on.
//!
//! Implemented once, for [`SqlStore`] (both backends); the statements are in
//! `sql::<area>`, a transaction's steps in `sql::<area>_steps` where it has any.

use super::backend::{on_pool, on_tx, SqlStore};
use super::rows::*;
use super::sql::*;
use super::{Result, StoreError, TokenRecord};
use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::Workspace;
use async_trait::async_trait;
use chrono::Utc;

/// Workspaces and API tokens: the records every request's access is decided on.
#[async_trait]
pub trait AccessStore: Send + Sync + 'static {
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
    /// Marks a token revoked; false if the workspace has no such live token. In the same
    /// transaction, what it issued is withdrawn: its open invitations, the tokens it made
    /// (and what those issued), also when it was already revoked.
    async fn revoke_token(&self, workspace_id: &str, id: &str) -> Result<bool>;
}

#[async_trait]
impl AccessStore for SqlStore {
    #[tracing::instrument(level = "debug", skip_all, fields(workspace = %ws.id))]
    async fn create_workspace(&self, ws: &Workspace) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(INSERT_WORKSPACE)
            .bind(&ws.id)
            .bind(&ws.name)
            .bind(ws.profile_key.expose())
            .bind(&ws.timezone)
            .bind(ws.requires_approval)
            .bind(ws.late_approval.as_str())
            .bind(ws.content_version)
            .bind(to_ms(ws.created_at))
            .bind(ws.x_credentials.as_ref().map(|x| x.api_key.expose()))
            .bind(ws.x_credentials.as_ref().map(|x| x.api_secret.expose()))
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = id))]
    async fn workspace(&self, id: &str) -> Result<Option<Workspace>> {
        let row: Option<WorkspaceRow> = on_pool!(&self.read, |p| sqlx::query_as(WORKSPACE_BY_ID)
            .bind(id)
            .fetch_optional(p)
            .await?);
        row.map(Workspace::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn workspace_by_name(&self, name: &str) -> Result<Option<Workspace>> {
        let row: Option<WorkspaceRow> = on_pool!(&self.read, |p| sqlx::query_as(WORKSPACE_BY_NAME)
            .bind(name)
            .fetch_optional(p)
            .await?);
        row.map(Workspace::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn workspaces(&self) -> Result<Vec<Workspace>> {
        let rows: Vec<WorkspaceRow> =
            on_pool!(&self.read, |p| sqlx::query_as(ALL_WORKSPACES).fetch_all(p).await?);
        rows.into_iter().map(Workspace::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = %ws.id))]
    async fn update_workspace(&self, ws: &Workspace) -> Result<()> {
        let done = on_pool!(&self.write, |p| sqlx::query(UPDATE_WORKSPACE)
            .bind(&ws.id)
            .bind(&ws.name)
            .bind(ws.profile_key.expose())
            .bind(&ws.timezone)
            .bind(ws.requires_approval)
            .bind(ws.late_approval.as_str())
            .bind(ws.x_credentials.as_ref().map(|x| x.api_key.expose()))
            .bind(ws.x_credentials.as_ref().map(|x| x.api_secret.expose()))
            .execute(p)
            .await?
            .rows_affected());
        match done {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn content_version(&self, workspace_id: &str) -> Result<i64> {
        let version: Option<i64> = on_pool!(&self.read, |p| sqlx::query_scalar(CONTENT_VERSION)
            .bind(workspace_id)
            .fetch_optional(p)
            .await?);
        version.ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = %t.workspace_id))]
    async fn create_token(&self, t: &TokenRecord) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(INSERT_TOKEN)
            .bind(&t.id)
            .bind(&t.workspace_id)
            .bind(t.role.as_str())
            .bind(&t.name)
            .bind(&t.hash)
            .bind(to_ms(t.created_at))
            .bind(&t.created_by)
            .bind(t.issued_by.as_ref().map(ToString::to_string))
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>> {
        let row: Option<TokenRow> = on_pool!(&self.read, |p| sqlx::query_as(TOKEN_BY_HASH)
            .bind(hash)
            .fetch_optional(p)
            .await?);
        row.map(TokenRecord::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn tokens(&self, workspace_id: &str) -> Result<Vec<TokenRecord>> {
        let rows: Vec<TokenRow> = on_pool!(&self.read, |p| sqlx::query_as(WORKSPACE_TOKENS)
            .bind(workspace_id)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(TokenRecord::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn revoke_token(&self, workspace_id: &str, id: &str) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let done = on_tx!(tx, |c| sqlx::query(REVOKE_TOKEN)
            .bind(workspace_id)
            .bind(id)
            .bind(to_ms(Utc::now()))
            .execute(c)
            .await?
            .rows_affected());
        withdraw_issued(
            &mut tx,
            workspace_id,
            &crate::foundation::domain::Actor::token(id).to_string(),
        )
        .await?;
        tx.commit().await?;
        Ok(done == 1)
    }
}
