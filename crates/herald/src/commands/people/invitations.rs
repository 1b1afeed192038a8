//! Invitations: an admin invites an e-mail address into a workspace with a role; the
//! invitation carries a random single-use secret (only its SHA-256 is stored), expires
//! after [`LIFETIME`], and is e-mailed when SMTP and `HERALD_PUBLIC_URL` are configured
//! (mail links are never built from a request's `Host`) — the link is also shown once to
//! the admin who made it. A workspace makes at most `HERALD_INVITATIONS_PER_DAY` of them
//! in 24 hours (429 `rate_limited`). Accepting creates the user (name and password given)
//! or adds the membership to the existing user with that e-mail (signed in as them, or
//! giving their password), in one transaction that uses the invitation up: a second
//! acceptance, an expired or a withdrawn invitation, or one whose issuer no longer holds
//! its role there, is 410 `invitation_gone`. Until the right password of an existing
//! account is given, acceptance answers alike whether the address has an account or not.

use super::access::{Access, Ack};
use super::{Opened, PeopleService};
use crate::coherence::error::{AppError, AppResult};
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::{validate, Invitation, Role, User};
use crate::foundation::mail::Mail;
use crate::gate::auth::{self, password, Principal};
use crate::storage::store::{Acceptance, StoreError};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use utoipa::ToSchema;

/// How long an invitation can be accepted.
pub const LIFETIME: Duration = Duration::days(7);

/// The path of the page that accepts an invitation; the secret follows in the fragment,
/// which browsers never send to a server (nor in a `Referer`).
pub const ACCEPT_PATH: &str = "/invitation#token=";

/// The window [`PeopleService::invite`]'s per-workspace limit counts in.
pub const THROTTLE_WINDOW: Duration = Duration::days(1);

/// What became of an invitation's e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mailing {
    Sent,
    /// SMTP refused or failed (logged); the admin has the link.
    Failed,
    /// No SMTP server is configured.
    NoSmtp,
    /// SMTP is configured but `HERALD_PUBLIC_URL` is not: no link to mail.
    NoPublicUrl,
}

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
    /// Why it was or was not e-mailed.
    pub mail: Mailing,
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
    #[schema(value_type = String)]
    pub invited_by: crate::foundation::domain::Actor,
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
    /// Invites `email` into the workspace. The link answered starts with the public URL,
    /// else with `fallback_base` (the address the admin used, shown to them only); it is
    /// e-mailed only with the public URL.
    #[tracing::instrument(skip_all, fields(workspace = %ws_id))]
    pub async fn invite(
        &self,
        who: &Principal,
        ws_id: &str,
        input: NewInvitation,
        fallback_base: &str,
    ) -> AppResult<CreatedInvitation> {
        let email = super::check_email(&input.email)?;
        let ws = self.lookups().workspace(ws_id).await?.ok_or(AppError::NotFound)?;
        self.within_daily_limit(&ws.id).await?;
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
        self.people().create_invitation(&invitation).await?;
        let link =
            |base: &str| format!("{}{ACCEPT_PATH}{}", base.trim_end_matches('/'), secret.expose());
        let mail = match (self.mailer(), self.public_url()) {
            (None, _) => Mailing::NoSmtp,
            (Some(_), None) => Mailing::NoPublicUrl,
            (Some(_), Some(public)) => {
                self.send_invitation(&invitation, &ws.name, &link(public)).await
            }
        };
        let accept_url = link(self.public_url().unwrap_or(fallback_base));
        let emailed = mail == Mailing::Sent;
        tracing::info!(invitation = %invitation.id, role = %invitation.role.as_str(), ?mail, "invitation created");
        Ok(CreatedInvitation {
            id: invitation.id,
            email: invitation.email,
            role: invitation.role,
            expires_at: invitation.expires_at,
            accept_url,
            emailed,
            mail,
        })
    }

    /// 429 once the workspace made its invitations of the last [`THROTTLE_WINDOW`], until
    /// the oldest of them leaves it.
    async fn within_daily_limit(&self, ws_id: &str) -> AppResult<()> {
        let limit = self.invitations_per_day();
        if limit == 0 {
            return Ok(());
        }
        let now = Utc::now();
        let (made, oldest) = self.people().invitations_since(ws_id, now - THROTTLE_WINDOW).await?;
        if made < limit {
            return Ok(());
        }
        let frees = oldest.unwrap_or(now) + THROTTLE_WINDOW - now;
        let retry_after = frees.to_std().unwrap_or_default().max(std::time::Duration::from_secs(1));
        tracing::warn!(workspace = %ws_id, made, "invitations refused: the daily limit is reached");
        Err(AppError::RateLimited { retry_after })
    }

    /// E-mails the link; a failure is logged, not fatal (the admin has the link). The
    /// Subject carries no tenant text; the body names the workspace in quotes.
    async fn send_invitation(&self, invitation: &Invitation, ws_name: &str, url: &str) -> Mailing {
        let Some(mailer) = self.mailer() else { return Mailing::NoSmtp };
        let mail = Mail {
            to: invitation.email.clone(),
            subject: "You are invited to a workspace on Herald".to_owned(),
            text: format!(
                "You have been invited to join the workspace \"{ws_name}\" on Herald as {}.\n\n\
                 Accept the invitation here (the link works once, for 7 days):\n{url}\n",
                invitation.role.as_str()
            ),
            id: format!("invitation-{}", invitation.id),
        };
        match mailer.send(&mail).await {
            Ok(()) => Mailing::Sent,
            Err(e) => {
                tracing::warn!(invitation = %invitation.id, error = %e, "invitation e-mail not sent");
                Mailing::Failed
            }
        }
    }

    /// The workspace's open invitations (expired ones included, marked).
    pub async fn invitations(&self, ws_id: &str) -> AppResult<Vec<InvitationView>> {
        let now = Utc::now();
        let all = self.people().invitations(ws_id).await?;
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
        match self.people().withdraw_invitation(ws_id, id, now_ms()).await? {
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
            self.people().invitation_by_hash(&hash).await?.ok_or_else(AppError::invitation_gone)?;
        if !invitation.usable_at(Utc::now()) {
            return Err(AppError::invitation_gone());
        }
        let acceptance = self.acceptance(who, &invitation, input, client).await?;
        let accepted = async {
            let accepted = self.people().accept_invitation(&hash, now_ms(), &acceptance).await;
            accepted.map_err(|e| match e {
                StoreError::Duplicate { .. } => AppError::conflict(
                    "email_taken",
                    "Someone signed up with this e-mail meanwhile; sign in and open the link again.",
                ),
                other => other.into(),
            })
        };
        let accepted = self.access_write(Access::Joined, Ack::Cluster, accepted).await?;
        tracing::info!(invitation = %invitation.id, user = %accepted.user.id, "invitation accepted");
        let session = self.open_session(accepted.user, agent, client).await?;
        Ok(Joined { session, workspace_id: accepted.workspace_id, role: accepted.role })
    }

    /// Who accepts: the signed-in user with the invited e-mail, the existing user with
    /// that e-mail who gives their password, or a new user. Both of the latter give a
    /// password under the rules, checked (and throttled) against the address whether it
    /// has an account or not, so the answers differ only once an account's right
    /// password is given: a missing name is the same 422 `name` for both.
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
        let password = input.password.unwrap_or_default();
        password::check(&password).map_err(|m| AppError::invalid("password", m))?;
        let name = input.name.unwrap_or_default();
        let named = !name.trim().is_empty();
        let existing = self.people().user_by_email(&invitation.email).await?.is_some();
        if existing || !named {
            // Checked and throttled alike whether the address has an account or not.
            let login =
                super::Login { email: invitation.email.clone(), password: password.clone() };
            let origin = super::signin::Origin { client, device: None };
            match self.check_password(login, origin).await {
                Ok(user) => return Ok(Acceptance::Existing { user_id: user.id }),
                Err(AppError::InvalidCredentials) if named => {
                    return Err(AppError::InvalidCredentials)
                }
                Err(AppError::InvalidCredentials) => {
                    return Err(AppError::invalid("name", NAME_OR_PASSWORD))
                }
                Err(other) => return Err(other),
            }
        }
        // The time an account's password check takes, before the new one is hashed.
        self.hasher().verify_nothing(password.clone()).await?;
        new_user(self.hasher(), &invitation.email, &name, password).await
    }
}

/// A new user with the invited address, the name and the password given.
async fn new_user(
    hasher: &crate::gate::auth::password::Hasher,
    email: &str,
    name: &str,
    password: String,
) -> AppResult<Acceptance> {
    validate::name("name", name)?;
    let password_hash = hasher.hash(password).await?.map_err(AppError::internal)?;
    let user = User {
        id: uuid::Uuid::now_v7().to_string(),
        email: email.to_owned(),
        name: name.trim().to_owned(),
        global_admin: false,
        notify_email: true,
        created_at: now_ms(),
    };
    Ok(Acceptance::NewUser { user, password_hash })
}

/// The answer to an acceptance without a name that is not an account's right password.
const NAME_OR_PASSWORD: &str = "Give your name to join as someone new; if you already have \
    a Herald account with this address, this is not its password.";
