//! The steps of people's transactions, on a [`Tx`] of either backend: keep a workspace's
//! last admin, accept an invitation once (while its issuer still holds its role), give a
//! member the higher role, withdraw what a departing principal issued.
//!
//! The last-admin rule holds under concurrency because a membership change first reads
//! the workspace's admins with the backend's [`row_lock`](super::Dialect::row_lock): on
//! PostgreSQL two admins demoting each other queue on the same admin rows, and the second
//! re-reads them after the first commits and finds itself the last admin; SQLite runs
//! one write transaction at a time.

use super::*;
use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::people::normal_email;
use crate::foundation::domain::Actor;
use crate::foundation::domain::{Invitation, Role, User};
use crate::storage::store::backend::{on_tx, Tx};
use crate::storage::store::rows::*;
use crate::storage::store::{Acceptance, Accepted};
use crate::storage::store::{Result, StoreError};
use chrono::{DateTime, Utc};

/// Binds the user (e-mail already in normal form) with an optional password to
/// [`INSERT_USER`], for a pool or a transaction.
pub(in crate::storage::store) fn bind_user<'q, DB>(
    query: Query<'q, DB>,
    user: &'q User,
    password_hash: Option<&'q str>,
) -> Query<'q, DB>
where
    DB: sqlx::Database,
    &'q String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.name)
        .bind(user.global_admin)
        .bind(user.notify_email)
        .bind(to_ms(user.created_at))
        .bind(password_hash)
}

/// `LastAdmin` if `user_id` is the workspace's only admin. Reads the admins with
/// the row lock, so they stay admins until the transaction ends.
pub(in crate::storage::store) async fn keep_an_admin(
    tx: &mut Tx,
    workspace_id: &str,
    user_id: &str,
) -> Result<()> {
    let sql = format!("{WORKSPACE_ROLE_HOLDERS}{}", tx.dialect().row_lock);
    let admins: Vec<String> = on_tx!(tx, |c| sqlx::query_scalar(&sql)
        .bind(workspace_id)
        .bind(Role::Admin.as_str())
        .fetch_all(c)
        .await?);
    match admins.as_slice() {
        [only] if only == user_id => Err(StoreError::LastAdmin),
        _ => Ok(()),
    }
}

/// Adds the membership or changes its role, keeping an admin; a demotion
/// withdraws what the member issued there ([`withdraw_issued`]).
pub(in crate::storage::store) async fn put_member(
    tx: &mut Tx,
    ws: &str,
    user_id: &str,
    role: Role,
) -> Result<()> {
    if role != Role::Admin {
        keep_an_admin(tx, ws, user_id).await?;
    }
    if held_role(tx, ws, user_id).await?.is_some_and(|held| held > role) {
        withdraw_issued(tx, ws, &Actor::user(user_id).to_string()).await?;
    }
    on_tx!(tx, |c| sqlx::query(PUT_MEMBERSHIP)
        .bind(ws)
        .bind(user_id)
        .bind(role.as_str())
        .bind(to_ms(Utc::now()))
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
}

/// Removes the membership, keeping an admin; false if there was none. What the
/// member issued there is withdrawn and their notifications of it forgotten.
pub(in crate::storage::store) async fn drop_member(
    tx: &mut Tx,
    ws: &str,
    user_id: &str,
) -> Result<bool> {
    keep_an_admin(tx, ws, user_id).await?;
    let done = on_tx!(tx, |c| sqlx::query(DELETE_MEMBERSHIP)
        .bind(ws)
        .bind(user_id)
        .execute(c)
        .await?
        .rows_affected());
    withdraw_issued(tx, ws, &Actor::user(user_id).to_string()).await?;
    for forget in [FORGET_MEMBER_MAILS, FORGET_MEMBER_NOTIFICATIONS] {
        on_tx!(tx, |c| sqlx::query(forget)
            .bind(user_id)
            .bind(ws)
            .execute(c)
            .await?
            .rows_affected());
    }
    Ok(done == 1)
}

/// The member's role, read with the row lock.
pub(in crate::storage::store) async fn held_role(
    tx: &mut Tx,
    ws: &str,
    user_id: &str,
) -> Result<Option<Role>> {
    let sql = format!("{MEMBER_ROLE}{}", tx.dialect().row_lock);
    let held: Option<String> =
        on_tx!(tx, |c| sqlx::query_scalar(&sql).bind(ws).bind(user_id).fetch_optional(c).await?);
    held.map(|r| parsed("role", &r)).transpose()
}

/// Withdraws what `issuer` (an actor) issued in the workspace, and what that
/// issued in turn: open invitations are withdrawn, live tokens revoked.
pub(in crate::storage::store) async fn withdraw_issued(
    tx: &mut Tx,
    ws: &str,
    issuer: &str,
) -> Result<()> {
    let now = to_ms(Utc::now());
    let (mut tokens, mut invitations) = (0, 0);
    let mut issuers = vec![issuer.to_owned()];
    let mut seen = std::collections::HashSet::new();
    while let Some(issuer) = issuers.pop() {
        if !seen.insert(issuer.clone()) {
            continue;
        }
        invitations += on_tx!(tx, |c| sqlx::query(WITHDRAW_ISSUED_INVITATIONS)
            .bind(ws)
            .bind(&issuer)
            .bind(now)
            .execute(c)
            .await?
            .rows_affected());
        tokens += on_tx!(tx, |c| sqlx::query(REVOKE_ISSUED_TOKENS)
            .bind(ws)
            .bind(&issuer)
            .bind(now)
            .execute(c)
            .await?
            .rows_affected());
        let made: Vec<String> = on_tx!(tx, |c| sqlx::query_scalar(ISSUED_TOKENS)
            .bind(ws)
            .bind(&issuer)
            .fetch_all(c)
            .await?);
        issuers.extend(made.into_iter().map(|id| Actor::Token(id).to_string()));
    }
    if tokens + invitations > 0 {
        tracing::info!(tokens, invitations, "withdrew what was issued");
    }
    Ok(())
}

/// Whether whoever issued the invitation still holds at least its role there: a
/// member (or a global admin), a live token, or the admin token.
pub(in crate::storage::store) async fn issuer_holds(
    tx: &mut Tx,
    invitation: &Invitation,
) -> Result<bool> {
    let ws = invitation.workspace_id.as_str();
    let held: Option<String> = match &invitation.invited_by {
        Actor::Admin => return Ok(true),
        Actor::User(id) => {
            let global: Option<bool> = on_tx!(tx, |c| sqlx::query_scalar(USER_IS_GLOBAL_ADMIN)
                .bind(id)
                .fetch_optional(c)
                .await?);
            if global == Some(true) {
                return Ok(true);
            }
            on_tx!(tx, |c| sqlx::query_scalar(MEMBER_ROLE)
                .bind(ws)
                .bind(id)
                .fetch_optional(c)
                .await?)
        }
        Actor::Token(id) => {
            on_tx!(tx, |c| sqlx::query_scalar(LIVE_TOKEN_ROLE)
                .bind(ws)
                .bind(id)
                .fetch_optional(c)
                .await?)
        }
        _ => None,
    };
    let held: Option<Role> = held.map(|r| parsed("role", &r)).transpose()?;
    Ok(held.is_some_and(|held| held >= invitation.role))
}

/// Accepts the invitation for the acceptor and makes them a member.
pub(in crate::storage::store) async fn accept(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
    acceptance: &Acceptance,
) -> Result<Accepted> {
    let invitation = take_invitation(tx, token_hash, now).await?;
    if !issuer_holds(tx, &invitation).await? {
        return Err(StoreError::Gone);
    }
    let user = acceptor(tx, acceptance).await?;
    let ws = invitation.workspace_id;
    let role = raise_member(tx, &ws, &user.id, invitation.role, now).await?;
    Ok(Accepted { user, workspace_id: ws, role })
}

/// Marks the invitation accepted if it is usable at `now`: `Gone` if it is not,
/// `NotFound` if there is no such invitation.
pub(in crate::storage::store) async fn take_invitation(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Invitation> {
    let taken: Option<InvitationRow> = on_tx!(tx, |c| sqlx::query_as(ACCEPT_INVITATION)
        .bind(token_hash)
        .bind(to_ms(now))
        .fetch_optional(c)
        .await?);
    if let Some(row) = taken {
        return Invitation::try_from(row);
    }
    let known = on_tx!(tx, |c| sqlx::query(INVITATION_BY_HASH)
        .bind(token_hash)
        .fetch_optional(c)
        .await?
        .is_some());
    Err(if known { StoreError::Gone } else { StoreError::NotFound })
}

/// The accepting user: created now, or read (`NotFound` if unknown).
pub(in crate::storage::store) async fn acceptor(
    tx: &mut Tx,
    acceptance: &Acceptance,
) -> Result<User> {
    match acceptance {
        Acceptance::NewUser { user, password_hash } => {
            let user = User { email: normal_email(&user.email), ..user.clone() };
            on_tx!(tx, |c| bind_user(sqlx::query(INSERT_USER), &user, Some(password_hash))
                .execute(c)
                .await?
                .rows_affected());
            Ok(user)
        }
        Acceptance::Existing { user_id } => {
            let row: Option<UserRecordRow> =
                on_tx!(tx, |c| sqlx::query_as(USER_BY_ID).bind(user_id).fetch_optional(c).await?);
            row.map(|r| User::from(r.user)).ok_or(StoreError::NotFound)
        }
    }
}

/// Gives the user `invited` in the workspace unless they hold a higher role (read
/// with the row lock); the role they end with. A membership added concurrently
/// makes the insert a `Duplicate`, and the whole acceptance is undone.
pub(in crate::storage::store) async fn raise_member(
    tx: &mut Tx,
    ws: &str,
    user_id: &str,
    invited: Role,
    now: DateTime<Utc>,
) -> Result<Role> {
    let held = held_role(tx, ws, user_id).await?;
    let role = invited.as_str();
    match held {
        Some(held) if held >= invited => return Ok(held),
        Some(_) => on_tx!(tx, |c| sqlx::query(UPDATE_MEMBER_ROLE)
            .bind(ws)
            .bind(user_id)
            .bind(role)
            .execute(c)
            .await?
            .rows_affected()),
        None => on_tx!(tx, |c| sqlx::query(INSERT_MEMBERSHIP)
            .bind(ws)
            .bind(user_id)
            .bind(role)
            .bind(to_ms(now))
            .execute(c)
            .await?
            .rows_affected()),
    };
    Ok(invited)
}
