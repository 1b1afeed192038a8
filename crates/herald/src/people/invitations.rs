//! Invitations: an admin invites an e-mail address into a workspace with a role; the
//! invitation carries a random single-use secret (only its SHA-256 is stored), expires
//! after [`LIFETIME`], and is e-mailed when SMTP is configured — the link is also shown
//! once to the admin who made it. Accepting creates the user (name and password given)
//! or adds the membership to the existing user with that e-mail (signed in as them, or
//! giving their password), in one transaction that uses the invitation up: a second
//! acceptance, an expired or a withdrawn invitation is 410 `invitation_gone`.

use super::{Opened, PeopleService};
use crate::auth::{self, password, Principal};
use crate::domain::model::now_ms;
use crate::domain::{validate, Invitation, Role, User};
use crate::error::{AppError, AppResult};
use crate::mail::Mail;
use crate::store::{Acceptance, StoreError};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use utoipa::ToSchema;

/// How long an invitation can be accepted.
pub const LIFETIME: Duration = Duration::days(7);

/// The path of the page that accepts an invitation; the secret follows in the fragment,
/// which browsers never send to a server (nor in a `Referer`).
pub const ACCEPT_PATH: &str = "/invitation#token=";

/// Body of `POST /api/workspaces/{ws}/invitations`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    pub email: String,
    pub role: Role,
}

/// A new invitation: the only time its link is shown.
#[derive(Serialize, ToSchema)]
pub struct CreatedInvitation {
    pub id: String,
    pub email: String,
    pub role: Role,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: DateTime<Utc>,
    /// Carries the single-use secret; shown once.
    pub accept_url: String,
    /// Whether it was also sent by e-mail.
    pub emailed: bool,
}

impl std::fmt::Debug for CreatedInvitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedInvitation").field("id", &self.id).finish_non_exhaustive()
    }
}

/// An open invitation as listed: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: DateTime<Utc>,
    /// Past `expires_at`: it can no longer be accepted.
    pub expired: bool,
}

/// Body of `POST /api/invitations/accept`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Accept {
    pub token: String,
    /// Required for a new user.
    pub name: Option<String>,
    /// Required for a new user, and for an existing one who is not signed in.
    pub password: Option<String>,
}

impl std::fmt::Debug for Accept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accept").field("name", &self.name).finish_non_exhaustive()
    }
}

/// An accepted invitation: the session opened for the person, and where they now belong.
pub struct Joined {
    pub session: Opened,
    pub workspace_id: String,
    pub role: Role,
}

impl PeopleService {
    /// Invites `email` into the workspace; `base` is where Herald is reached (the
    /// configured public URL, else the address the admin used).
    #[tracing::instrument(skip_all, fields(workspace = %ws_id))]
    pub async fn invite(
        &self,
        who: &Principal,
        ws_id: &str,
        input: NewInvitation,
        base: &str,
    ) -> AppResult<CreatedInvitation> {
        let email = super::check_email(&input.email)?;
        let ws = self.lookups().workspace(ws_id).await?.ok_or(AppError::NotFound)?;
        let (secret, token_hash) = auth::new_token();
        let now = now_ms();
        let invitation = Invitation {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: ws.id.clone(),
            email,
            role: input.role,
            token_hash,
            invited_by: who.actor(),
            created_at: now,
            expires_at: now + LIFETIME,
            accepted_at: None,
            withdrawn_at: None,
        };
        self.store().create_invitation(&invitation).await?;
        let accept_url = format!("{}{ACCEPT_PATH}{}", base.trim_end_matches('/'), secret.expose());
        let emailed = self.send_invitation(&invitation, &ws.name, &accept_url).await;
        tracing::info!(invitation = %invitation.id, role = %invitation.role.as_str(), emailed, "invitation created");
        Ok(CreatedInvitation {
            id: invitation.id,
            email: invitation.email,
            role: invitation.role,
            expires_at: invitation.expires_at,
            accept_url,
            emailed,
        })
    }

    /// E-mails the link when SMTP is configured; a failure is logged, not fatal (the
    /// admin has the link).
    async fn send_invitation(&self, invitation: &Invitation, ws_name: &str, url: &str) -> bool {
        let Some(mailer) = self.mailer() else { return false };
        let mail = Mail {
            to: invitation.email.clone(),
            subject: format!("You are invited to {ws_name} on Herald"),
            text: format!(
                "You have been invited to join the workspace \"{ws_name}\" on Herald as {}.\n\n\
                 Accept the invitation here (the link works once, for 7 days):\n{url}\n",
                invitation.role.as_str()
            ),
            id: format!("invitation-{}", invitation.id),
        };
        match mailer.send(&mail).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(invitation = %invitation.id, error = %e, "invitation e-mail not sent");
                false
            }
        }
    }

    /// The workspace's open invitations (expired ones included, marked).
    pub async fn invitations(&self, ws_id: &str) -> AppResult<Vec<InvitationView>> {
        let now = Utc::now();
        let all = self.store().invitations(ws_id).await?;
        let view = |i: Invitation| InvitationView {
            expired: !i.usable_at(now),
            id: i.id,
            email: i.email,
            role: i.role,
            invited_by: i.invited_by,
            created_at: i.created_at,
            expires_at: i.expires_at,
        };
        Ok(all.into_iter().map(view).collect())
    }

    /// Withdraws an open invitation (404 for one unknown or no longer open).
    pub async fn withdraw(&self, ws_id: &str, id: &str) -> AppResult<()> {
        match self.store().withdraw_invitation(ws_id, id, now_ms()).await? {
            true => Ok(()),
            false => Err(AppError::NotFound),
        }
    }

    /// Accepts an invitation and opens a session for the person who joined.
    #[tracing::instrument(skip_all)]
    pub async fn accept(
        &self,
        who: Option<&Principal>,
        input: Accept,
        client: Option<IpAddr>,
        agent: Option<String>,
    ) -> AppResult<Joined> {
        let hash = auth::hash_token(input.token.trim());
        let invitation =
            self.store().invitation_by_hash(&hash).await?.ok_or_else(AppError::invitation_gone)?;
        if !invitation.usable_at(Utc::now()) {
            return Err(AppError::invitation_gone());
        }
        let acceptance = self.acceptance(who, &invitation, input, client).await?;
        self.lookups().shared_tier_reachable().await?;
        let accepted = self.store().accept_invitation(&hash, now_ms(), &acceptance).await;
        let accepted = accepted.map_err(|e| match e {
            StoreError::Duplicate { .. } => AppError::conflict(
                "email_taken",
                "Someone signed up with this e-mail meanwhile; sign in and open the link again.",
            ),
            other => other.into(),
        })?;
        self.lookups().users_changed().await?;
        self.lookups().memberships_changed().await?;
        tracing::info!(invitation = %invitation.id, user = %accepted.user.id, "invitation accepted");
        let session = self.open_session(accepted.user, agent).await?;
        Ok(Joined { session, workspace_id: accepted.workspace_id, role: accepted.role })
    }

    /// Who accepts: the signed-in user with the invited e-mail, the existing user with
    /// that e-mail who gives their password, or a new user.
    async fn acceptance(
        &self,
        who: Option<&Principal>,
        invitation: &Invitation,
        input: Accept,
        client: Option<IpAddr>,
    ) -> AppResult<Acceptance> {
        if let Some(Principal::User(p)) = who {
            if p.user.email == invitation.email {
                return Ok(Acceptance::Existing { user_id: p.user.id.clone() });
            }
        }
        if let Some(existing) = self.store().user_by_email(&invitation.email).await? {
            let password = input.password.ok_or_else(|| {
                AppError::invalid("password", "You already have an account: give its password.")
            })?;
            let login = super::Login { email: existing.user.email.clone(), password };
            let origin = super::signin::Origin { client, device: None };
            let opened = self.check_password(login, origin).await?;
            return Ok(Acceptance::Existing { user_id: opened.id });
        }
        let name = input.name.unwrap_or_default();
        validate::name("name", &name)?;
        let password = input.password.unwrap_or_default();
        password::check(&password).map_err(|m| AppError::invalid("password", m))?;
        let password_hash = self.hasher().hash(password).await?.map_err(AppError::internal)?;
        let user = User {
            id: uuid::Uuid::now_v7().to_string(),
            email: invitation.email.clone(),
            name: name.trim().to_owned(),
            global_admin: false,
            notify_email: true,
            created_at: now_ms(),
        };
        Ok(Acceptance::NewUser { user, password_hash })
    }
}
