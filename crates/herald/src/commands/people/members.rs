//! A workspace's members: listed by name, given another role, removed (admins only).
//! A workspace keeps at least one admin: the store refuses, atomically, a change that
//! would leave none (409 `last_admin`). A removal or a demotion takes access away, so it
//! is refused up front while other instances cannot be told, and acknowledged only once
//! they have been (G6): the member's next request there is refused and their event
//! streams end ([`crate::services::live`]).
//!
//! Access follows the person: a removal or a demotion also withdraws, in the store's
//! same transaction, what the member issued in that workspace — their open invitations,
//! the tokens they made and whatever those issued — and a removal forgets the member's
//! notifications of the workspace. Both go through the access write path
//! ([`super::access`]).

use super::access::{Access, Ack};
use super::PeopleService;
use crate::coherence::error::{AppError, AppResult};
use crate::foundation::domain::{Member, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One member as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        Self { user_id: m.user.id, name: m.user.name, email: m.user.email, role: m.role }
    }
}

/// Body of `PATCH /api/workspaces/{ws}/members/{user_id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberPatch {
    pub role: Role,
}

impl PeopleService {
    /// The workspace's members, by name.
    pub async fn members(&self, ws_id: &str) -> AppResult<Vec<MemberView>> {
        let all = self.people().members(ws_id).await?;
        Ok(all.into_iter().map(MemberView::from).collect())
    }

    /// Makes a user a member with `role` (the demo; invitations do this for people).
    pub async fn add_member(&self, ws_id: &str, user_id: &str, role: Role) -> AppResult<()> {
        let added = self.people().set_member(ws_id, user_id, role);
        self.access_write(Access::Memberships, Ack::Local, added).await
    }

    /// Gives a member another role (404 for someone who is not a member).
    #[tracing::instrument(skip_all, fields(workspace = %ws_id, user = %user_id))]
    pub async fn set_role(&self, ws_id: &str, user_id: &str, role: Role) -> AppResult<MemberView> {
        let members = self.people().members(ws_id).await?;
        let member =
            members.into_iter().find(|m| m.user.id == user_id).ok_or(AppError::NotFound)?;
        let set = self.people().set_member(ws_id, user_id, role);
        self.access_write(Access::Memberships, Ack::Cluster, set).await?;
        tracing::info!(from = member.role.as_str(), to = role.as_str(), "member role changed");
        Ok(MemberView::from(Member { role, ..member }))
    }

    /// Removes a member; their streams end and their next request there is refused.
    #[tracing::instrument(skip_all, fields(workspace = %ws_id, user = %user_id))]
    pub async fn remove_member(&self, ws_id: &str, user_id: &str) -> AppResult<()> {
        // Invalidates also when nothing was removed: completes an earlier removal that
        // was written but not acknowledged (503 after the write).
        let removed = self.people().remove_member(ws_id, user_id);
        if !self.access_write(Access::Memberships, Ack::Cluster, removed).await? {
            return Err(AppError::NotFound);
        }
        tracing::info!("member removed");
        Ok(())
    }
}
