//! Password reset by e-mail (API.md, "People, third round"): a person who forgot their
//! password asks for a link; a known address gets a single-use link, valid for
//! [`LIFETIME`], to `/reset-password?token=…`; using it sets a new password, ends every
//! session of that person (G6, on every instance) and opens a new one.
//!
//! Nothing tells whether an address has an account: the request always answers 202 with
//! the same body, and the mail is sent after the answer (an SMTP round trip would
//! otherwise time the difference). Links are built only from `HERALD_PUBLIC_URL` (never
//! from the request's `Host`): without it, or without SMTP, no mail is sent and the
//! request is logged. Requests are throttled per client and per address in the sign-in
//! windows' way ([`super::signin`]); a link's secret is 256 bits, stored as its SHA-256.

use super::access::{Access, Ack};
use super::signin::Origin;
use super::{Opened, PeopleService};
use crate::coherence::error::{AppError, AppResult};
use crate::foundation::domain::people::normal_email;
use crate::foundation::mail::Mail;
use crate::foundation::secret::Secret;
use crate::gate::auth::{hash_token, password};
use base64::Engine;
use chrono::Utc;
use rand::RngCore;
use serde::Deserialize;
use std::time::Duration;
use utoipa::ToSchema;

/// How long a reset link works.
pub const LIFETIME: Duration = Duration::from_secs(3600);

/// Body of `POST /api/auth/password-reset`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub email: String,
}

/// Body of `POST /api/auth/password-reset/confirm`. `Debug` leaves both secrets out.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirm {
    pub token: String,
    pub password: String,
}

impl std::fmt::Debug for ResetConfirm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetConfirm").finish_non_exhaustive()
    }
}

/// A new link secret (256 bits, `hpr_` so it is told apart from tokens and sessions)
/// and its stored hash.
fn new_secret() -> (Secret, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = format!("hpr_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_token(&secret);
    (Secret::new(secret), hash)
}

fn gone() -> AppError {
    AppError::Gone {
        code: "reset_gone",
        message: "This reset link was used or has expired: ask for a new one.".into(),
    }
}

impl PeopleService {
    /// Sends a reset link to `email` if it is a person's address. The same answer either
    /// way; 429 once the client or the address asked too often.
    pub async fn request_reset(&self, request: ResetRequest, origin: Origin<'_>) -> AppResult<()> {
        let email = normal_email(request.email.trim());
        let client = origin.client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        let throttle = self.throttle();
        let throttled = |wait| AppError::RateLimited { retry_after: wait };
        throttle.resets_per_client.reserve(&client).await.map_err(throttled)?;
        throttle.resets_per_account.reserve(&email).await.map_err(throttled)?;
        let Some(record) = self.people().user_by_email(&email).await? else { return Ok(()) };
        let (Some(mailer), Some(public)) = (self.mailer(), self.public_url()) else {
            tracing::info!(user = %record.user.id, "password reset asked for; no e-mail set up");
            return Ok(());
        };
        let (secret, hash) = new_secret();
        let now = Utc::now();
        let expires = now + chrono::Duration::from_std(LIFETIME).unwrap_or_default();
        self.people().create_password_reset(&hash, &record.user.id, now, expires).await?;
        let mail = Mail {
            to: record.user.email.clone(),
            subject: "Reset your Herald password".to_owned(),
            text: format!(
                "Someone asked to reset the password of your Herald account. If it was you, \
                 choose a new password here (the link works once, for an hour):\n\
                 {public}/reset-password?token={}\n\n\
                 If it was not you, ignore this message: your password stays as it is.\n",
                secret.expose()
            ),
            id: format!("password-reset-{}", &hash[..16]),
        };
        let mailer = mailer.clone();
        let user = record.user.id;
        tokio::spawn(async move {
            if let Err(e) = mailer.send(&mail).await {
                tracing::warn!(%user, error = %e, "password reset e-mail not sent");
            }
        });
        Ok(())
    }

    /// Uses a reset link: sets the password, ends every session of the person on every
    /// instance, and opens a new one. 410 `reset_gone` for a used, expired or unknown
    /// link; checks of links are throttled per client.
    pub async fn confirm_reset(
        &self,
        confirm: ResetConfirm,
        origin: Origin<'_>,
        agent: Option<String>,
    ) -> AppResult<Opened> {
        password::check(&confirm.password).map_err(|m| AppError::invalid("password", m))?;
        let client = origin.client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        let throttled = |wait| AppError::RateLimited { retry_after: wait };
        let attempt = self.throttle().per_client.reserve(&client).await.map_err(throttled)?;
        let used = async {
            let hash = self.hasher().hash(confirm.password).await?.map_err(AppError::internal)?;
            let token_hash = hash_token(confirm.token.trim());
            Ok::<_, AppError>(
                self.people().use_password_reset(&token_hash, &hash, Utc::now()).await?,
            )
        };
        let used = self.access_write(Access::Sessions, Ack::Cluster, used).await?;
        let Some(user_id) = used else { return Err(gone()) };
        attempt.refund().await;
        tracing::info!(user = %user_id, "password reset; every session ended");
        let user = self.people().user(&user_id).await?.ok_or(AppError::NotFound)?.user;
        self.open_session(user, agent, origin.client).await
    }
}
