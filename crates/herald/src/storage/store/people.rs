//! [`PeopleStore`]: people: users, password resets, memberships and invitations.
//!
//! Implemented once, for [`SqlStore`] (both backends); the statements are in
//! `sql::<area>`, a transaction's steps in `sql::<area>_steps` where it has any.

use super::backend::{on_pool, on_tx, SqlStore};
use super::rows::*;
use super::sql::*;
use super::{Acceptance, Accepted};
use super::{Result, StoreError};
use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::people::normal_email;
use crate::foundation::domain::Role;
use crate::foundation::domain::{Invitation, Member, Membership, User, UserRecord};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// People: users, password resets, memberships and invitations.
#[async_trait]
pub trait PeopleStore: Send + Sync + 'static {
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
    /// Records a password reset (the hash of its secret) for `user_id`.
    async fn create_password_reset(
        &self,
        token_hash: &str,
        user_id: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    /// Uses a reset that is neither used nor expired at `at`, once: sets its user's
    /// password and ends every session of that user, in one transaction. `None`: no such
    /// reset, or used, or expired.
    async fn use_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<String>>;
    async fn memberships_of(&self, user_id: &str) -> Result<Vec<Membership>>;
    /// The workspace's members by name (case-insensitively, then by id).
    async fn members(&self, workspace_id: &str) -> Result<Vec<Member>>;
    /// Adds the user to the workspace with `role`, or changes their role; `LastAdmin` if
    /// that would demote the workspace's last admin, `NotFound` for an unknown workspace
    /// or user. A demotion withdraws, in the same transaction, what the member issued
    /// there (open invitations, tokens and what those issued).
    async fn set_member(&self, workspace_id: &str, user_id: &str, role: Role) -> Result<()>;
    /// Removes the user from the workspace; false if they were not a member, `LastAdmin`
    /// if they are its last admin. In the same transaction what they issued there is
    /// withdrawn (as for a demotion) and their notifications of the workspace forgotten.
    async fn remove_member(&self, workspace_id: &str, user_id: &str) -> Result<bool>;
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
    /// How many invitations the workspace made after `since`, and when the oldest of
    /// those was made.
    async fn invitations_since(
        &self,
        workspace_id: &str,
        since: DateTime<Utc>,
    ) -> Result<(u32, Option<DateTime<Utc>>)>;
    /// The invitation with this token hash, whatever its state.
    async fn invitation_by_hash(&self, token_hash: &str) -> Result<Option<Invitation>>;
    /// In one transaction: marks the invitation accepted at `now` if it is still open and
    /// unexpired, creates the user of [`Acceptance::NewUser`], and gives the user the
    /// invited role in the workspace (a member keeps a higher role). `Gone` if it was
    /// accepted, withdrawn or expired, or its issuer no longer holds its role there, `NotFound` if there is no such invitation (or no
    /// such existing user), `Duplicate` if the new user's e-mail is taken; then nothing is
    /// written. Of concurrent acceptances of one invitation exactly one succeeds.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        acceptance: &Acceptance,
    ) -> Result<Accepted>;
}

#[async_trait]
impl PeopleStore for SqlStore {
    #[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
    async fn create_user(&self, user: &User, password_hash: Option<&str>) -> Result<()> {
        let user = User { email: normal_email(&user.email), ..user.clone() };
        on_pool!(&self.write, |p| bind_user(sqlx::query(INSERT_USER), &user, password_hash)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = id))]
    async fn user(&self, id: &str) -> Result<Option<UserRecord>> {
        let row: Option<UserRecordRow> =
            on_pool!(&self.read, |p| sqlx::query_as(USER_BY_ID).bind(id).fetch_optional(p).await?);
        Ok(row.map(UserRecord::from))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>> {
        let row: Option<UserRecordRow> = on_pool!(&self.read, |p| sqlx::query_as(USER_BY_EMAIL)
            .bind(normal_email(email))
            .fetch_optional(p)
            .await?);
        Ok(row.map(UserRecord::from))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
    async fn update_user(&self, user: &User) -> Result<()> {
        let done = on_pool!(&self.write, |p| sqlx::query(UPDATE_USER)
            .bind(&user.id)
            .bind(&user.name)
            .bind(user.global_admin)
            .bind(user.notify_email)
            .execute(p)
            .await?
            .rows_affected());
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
    async fn set_password(&self, user_id: &str, password_hash: &str) -> Result<u64> {
        let mut tx = self.write.begin().await?;
        let done = on_tx!(tx, |c| sqlx::query(SET_PASSWORD)
            .bind(user_id)
            .bind(password_hash)
            .execute(c)
            .await?
            .rows_affected());
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        let ended = on_tx!(tx, |c| sqlx::query(DELETE_USER_SESSIONS)
            .bind(user_id)
            .execute(c)
            .await?
            .rows_affected());
        tx.commit().await?;
        Ok(ended)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
    async fn create_password_reset(
        &self,
        token_hash: &str,
        user_id: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(INSERT_PASSWORD_RESET)
            .bind(token_hash)
            .bind(user_id)
            .bind(to_ms(at))
            .bind(to_ms(expires_at))
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn use_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<String>> {
        let mut tx = self.write.begin().await?;
        let user_id: Option<String> = on_tx!(tx, |c| sqlx::query_scalar(USE_PASSWORD_RESET)
            .bind(token_hash)
            .bind(to_ms(at))
            .fetch_optional(c)
            .await?);
        let Some(user_id) = user_id else { return Ok(None) };
        on_tx!(tx, |c| sqlx::query(SET_PASSWORD)
            .bind(&user_id)
            .bind(password_hash)
            .execute(c)
            .await?
            .rows_affected());
        on_tx!(tx, |c| sqlx::query(DELETE_USER_SESSIONS)
            .bind(&user_id)
            .execute(c)
            .await?
            .rows_affected());
        tx.commit().await?;
        Ok(Some(user_id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
    async fn memberships_of(&self, user_id: &str) -> Result<Vec<Membership>> {
        let rows: Vec<MembershipRow> = on_pool!(&self.read, |p| sqlx::query_as(USER_MEMBERSHIPS)
            .bind(user_id)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(Membership::try_from).collect()
    }

    /// Sorted here, not in SQL, so both backends order names alike (their collations
    /// differ).
    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn members(&self, workspace_id: &str) -> Result<Vec<Member>> {
        let rows: Vec<MemberRow> = on_pool!(&self.read, |p| sqlx::query_as(WORKSPACE_MEMBERS)
            .bind(workspace_id)
            .fetch_all(p)
            .await?);
        let mut members = rows.into_iter().map(Member::try_from).collect::<Result<Vec<_>>>()?;
        members.sort_by_cached_key(|m| (m.user.name.to_lowercase(), m.user.id.clone()));
        Ok(members)
    }

    #[tracing::instrument(
        level = "debug", skip_all,
        fields(workspace = workspace_id, user = user_id, role = role.as_str())
    )]
    async fn set_member(&self, workspace_id: &str, user_id: &str, role: Role) -> Result<()> {
        let mut tx = self.write.begin().await?;
        put_member(&mut tx, workspace_id, user_id, role).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(
        level = "debug", skip_all, fields(workspace = workspace_id, user = user_id)
    )]
    async fn remove_member(&self, workspace_id: &str, user_id: &str) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let removed = drop_member(&mut tx, workspace_id, user_id).await?;
        tx.commit().await?;
        Ok(removed)
    }

    #[tracing::instrument(
        level = "debug", skip_all, fields(workspace = %i.workspace_id, invitation = %i.id)
    )]
    async fn create_invitation(&self, i: &Invitation) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(INSERT_INVITATION)
            .bind(&i.id)
            .bind(&i.workspace_id)
            .bind(normal_email(&i.email))
            .bind(i.role.as_str())
            .bind(&i.token_hash)
            .bind(i.invited_by.to_string())
            .bind(to_ms(i.created_at))
            .bind(to_ms(i.expires_at))
            .bind(i.accepted_at.map(to_ms))
            .bind(i.withdrawn_at.map(to_ms))
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn invitations(&self, workspace_id: &str) -> Result<Vec<Invitation>> {
        let rows: Vec<InvitationRow> = on_pool!(&self.read, |p| sqlx::query_as(OPEN_INVITATIONS)
            .bind(workspace_id)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(Invitation::try_from).collect()
    }

    #[tracing::instrument(
        level = "debug", skip_all, fields(workspace = workspace_id, invitation = id)
    )]
    async fn withdraw_invitation(
        &self,
        workspace_id: &str,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_pool!(&self.write, |p| sqlx::query(WITHDRAW_INVITATION)
            .bind(workspace_id)
            .bind(id)
            .bind(to_ms(at))
            .execute(p)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn invitations_since(
        &self,
        workspace_id: &str,
        since: DateTime<Utc>,
    ) -> Result<(u32, Option<DateTime<Utc>>)> {
        let (count, oldest): (i64, Option<i64>) =
            on_pool!(&self.read, |p| sqlx::query_as(INVITATIONS_SINCE)
                .bind(workspace_id)
                .bind(to_ms(since))
                .fetch_one(p)
                .await?);
        Ok((
            u32::try_from(count).unwrap_or(u32::MAX),
            oldest.map(crate::foundation::domain::model::from_ms),
        ))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn invitation_by_hash(&self, token_hash: &str) -> Result<Option<Invitation>> {
        let row: Option<InvitationRow> =
            on_pool!(&self.read, |p| sqlx::query_as(INVITATION_BY_HASH)
                .bind(token_hash)
                .fetch_optional(p)
                .await?);
        row.map(Invitation::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn accept_invitation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        acceptance: &Acceptance,
    ) -> Result<Accepted> {
        let mut tx = self.write.begin().await?;
        let accepted = accept(&mut tx, token_hash, now, acceptance).await?;
        tx.commit().await?;
        Ok(accepted)
    }
}
