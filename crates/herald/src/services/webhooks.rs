//! Applying Ayrshare webhooks to the posts Herald knows (the HTTP route only verifies
//! the signature and hands the raw body here).
//!
//! A `scheduled` delivery reports per-platform results of a post Herald published; they
//! are merged into the post through the one post write path. Deliveries are
//! at-least-once and may be captured and replayed, so:
//! - each delivery is applied once: its `hookId`, or the SHA-256 of its body when it
//!   has none, is remembered (for [`DELIVERY_RETENTION`]);
//! - a delivery created more than [`MAX_AGE`] ago is refused;
//! - a delivery older than the post's last change never moves the post (it reports
//!   something Herald has already moved past).
//!
//! A `social` delivery (an account linked or unlinked on Ayrshare's page) drops the
//! cached linked accounts ([`crate::services::accounts`]).

use crate::coherence::changes::Writer;
use crate::coherence::error::{AppError, AppResult};
use crate::coherence::publish::{apply_outcome, Outcome};
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::{Actor, AuditAction, PostStatus};
use crate::foundation::secret::Secret;
use crate::services::accounts::AccountService;
use crate::storage::store::{NewEvent, PostStore};
use axum::http::HeaderMap;
use ayrshare::webhook::{Action, Webhook};
use ayrshare::Platform;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Deliveries created longer ago than this are refused (replays of captured ones).
pub const MAX_AGE: Duration = Duration::hours(1);
/// How long delivery ids are remembered: longer than Ayrshare retries (about an hour).
pub const DELIVERY_RETENTION: Duration = Duration::days(7);

/// What Herald did with a delivery; the answer's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applied {
    /// Read, and applied if it concerned a post Herald knows.
    Ok,
    /// Seen before.
    Duplicate,
    /// Created too long ago, or before the post's last change: ignored.
    Stale,
}

/// Applies verified deliveries. Cheap to clone.
#[derive(Clone)]
pub struct WebhookService {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn PostStore>,
    writer: Writer,
    accounts: AccountService,
    /// `AYRSHARE_WEBHOOK_SECRET`; without one every delivery is refused.
    secret: Option<Secret>,
}

impl WebhookService {
    pub fn new(
        store: Arc<dyn PostStore>,
        writer: Writer,
        accounts: AccountService,
        secret: Option<Secret>,
    ) -> Self {
        Self { inner: Arc::new(Inner { store, writer, accounts, secret }) }
    }

    /// 401 unless the delivery carries Ayrshare's signature of exactly this body.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> AppResult<()> {
        let Some(secret) = self.inner.secret.as_ref().filter(|s| !s.is_empty()) else {
            tracing::warn!("Ayrshare webhook refused: AYRSHARE_WEBHOOK_SECRET is not set");
            return Err(AppError::Unauthorized);
        };
        match ayrshare::webhook::verify(secret.expose(), headers, body) {
            true => Ok(()),
            false => Err(AppError::Unauthorized),
        }
    }

    /// Applies a delivery whose signature was verified: `(what happened, whether a
    /// post changed)`.
    #[tracing::instrument(skip_all)]
    pub async fn apply(&self, body: &[u8]) -> AppResult<(Applied, bool)> {
        let hook = Webhook::decode(body).map_err(|e| AppError::Malformed(e.to_string()))?;
        let created = hook.created.as_deref().and_then(|c| DateTime::parse_from_rfc3339(c).ok());
        let created = created.map(|c| c.with_timezone(&Utc));
        if created.is_some_and(|c| c < Utc::now() - MAX_AGE) {
            return Ok((Applied::Stale, false));
        }
        let delivery = hook.hook_id.clone().unwrap_or_else(|| hex::encode(Sha256::digest(body)));
        if !self.inner.store.first_delivery(&delivery, now_ms()).await? {
            return Ok((Applied::Duplicate, false));
        }
        let applied = match (&hook.action, hook.id.as_deref()) {
            (Action::Scheduled, Some(id)) => self.apply_publish(id, &hook, created).await?,
            (Action::Social, _) => {
                self.inner.accounts.changed().await;
                Applied::Ok
            }
            _ => Applied::Ok,
        };
        tracing::info!(action = hook.action.as_str(), outcome = ?applied, "Ayrshare webhook received");
        Ok((applied, applied == Applied::Ok))
    }

    /// A publish result for a post Herald knows: merge the platforms it reports.
    async fn apply_publish(
        &self,
        ayrshare_id: &str,
        hook: &Webhook,
        created: Option<DateTime<Utc>>,
    ) -> AppResult<Applied> {
        let Some(post) = self.inner.store.post_by_ayrshare_id(ayrshare_id).await? else {
            return Ok(Applied::Ok);
        };
        if matches!(post.status, PostStatus::Deleted | PostStatus::Cancelled) {
            return Ok(Applied::Ok);
        }
        if created.is_some_and(|c| c < post.updated_at) {
            return Ok(Applied::Stale);
        }
        let outcome = outcome(ayrshare_id, hook);
        let mut target = post.clone();
        let mentioned = |p: &Platform| {
            outcome.posted.iter().any(|x| x.platform == p.as_str())
                || outcome.errors.iter().any(|e| e.platform.as_deref() == Some(p.as_str()))
        };
        target.publish.targets = post.platforms.iter().copied().filter(mentioned).collect();
        if target.publish.targets.is_empty() {
            return Ok(Applied::Ok);
        }
        let next = apply_outcome(&target, &outcome, now_ms());
        let event = NewEvent {
            actor: Actor::Ayrshare,
            action: AuditAction::Webhook,
            comment: None,
            from: Some(post.status),
        };
        self.inner.writer.save(post.version, &next, &event).await?;
        Ok(Applied::Ok)
    }
}

/// The delivery's per-platform results (entries that name no platform say nothing).
fn outcome(ayrshare_id: &str, hook: &Webhook) -> Outcome {
    let posted = hook.post_ids.iter().filter(|p| !p.platform.is_empty()).cloned().collect();
    let errors = hook
        .errors
        .iter()
        .map(|e| ayrshare::PlatformError {
            message: if e.message.is_empty() {
                "Ayrshare reported an error".into()
            } else {
                e.message.clone()
            },
            ..e.clone()
        })
        .collect();
    Outcome { ayrshare_id: Some(ayrshare_id.to_owned()), posted, errors, refused: None }
}
