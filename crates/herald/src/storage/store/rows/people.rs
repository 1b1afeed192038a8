//! Row shapes of people (users, memberships, sessions, invitations) and their conversion
//! to domain records, with the conventions of [`super`].

use super::parsed;
use crate::foundation::domain::model::from_ms;
use crate::foundation::domain::{Invitation, Member, Membership, SessionRecord, User, UserRecord};
use crate::storage::store::StoreError;

/// A user without the password hash: what listings read.
#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub global_admin: bool,
    pub notify_email: bool,
    pub created_at: i64,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            email: r.email,
            name: r.name,
            global_admin: r.global_admin,
            notify_email: r.notify_email,
            created_at: from_ms(r.created_at),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRecordRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub password_hash: Option<String>,
}

impl From<UserRecordRow> for UserRecord {
    fn from(r: UserRecordRow) -> Self {
        UserRecord { user: r.user.into(), password_hash: r.password_hash }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MemberRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub role: String,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(r: MemberRow) -> Result<Self, StoreError> {
        Ok(Member { role: parsed("role", &r.role)?, user: r.user.into() })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MembershipRow {
    pub workspace_id: String,
    pub user_id: String,
    pub role: String,
    pub created_at: i64,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;
    fn try_from(r: MembershipRow) -> Result<Self, StoreError> {
        Ok(Membership {
            role: parsed("role", &r.role)?,
            workspace_id: r.workspace_id,
            user_id: r.user_id,
            created_at: from_ms(r.created_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    pub id_hash: String,
    pub user_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: Option<String>,
    pub client_ip: Option<String>,
}

impl From<SessionRow> for SessionRecord {
    fn from(r: SessionRow) -> Self {
        SessionRecord {
            id_hash: r.id_hash,
            user_id: r.user_id,
            created_at: from_ms(r.created_at),
            last_seen_at: from_ms(r.last_seen_at),
            expires_at: from_ms(r.expires_at),
            user_agent: r.user_agent,
            client_ip: r.client_ip,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct InvitationRow {
    pub id: String,
    pub workspace_id: String,
    pub email: String,
    pub role: String,
    pub token_hash: String,
    pub invited_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub withdrawn_at: Option<i64>,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = StoreError;
    fn try_from(r: InvitationRow) -> Result<Self, StoreError> {
        Ok(Invitation {
            role: parsed("role", &r.role)?,
            id: r.id,
            workspace_id: r.workspace_id,
            email: r.email,
            token_hash: r.token_hash,
            invited_by: r.invited_by.into(),
            created_at: from_ms(r.created_at),
            expires_at: from_ms(r.expires_at),
            accepted_at: r.accepted_at.map(from_ms),
            withdrawn_at: r.withdrawn_at.map(from_ms),
        })
    }
}
