//! Publishing a claimed post to Ayrshare, exactly once.
//!
//! The protocol:
//! 1. A post is first *claimed*: in one transaction it moves to `publishing` with a lease,
//!    its version is bumped, and it gets an idempotency key derived from its id and that
//!    version (kept across re-claims). Only one claimer can win (the version guard).
//! 2. The claimer sends `POST /post` with that `idempotencyKey` and a `notes` marker naming
//!    the key. Ayrshare 429/5xx/timeouts are retried with backoff under the same key; a
//!    4xx is a `failed` post carrying Ayrshare's message.
//! 3. If the claimer dies (or cannot reach Ayrshare), the lease expires and the post is
//!    re-claimed. A re-claim (attempts > 1) first looks for the marker in Ayrshare's
//!    history: found means it was published, and is settled from there. Only when it is
//!    not found is it sent again, with the *same* key, so Ayrshare itself refuses a
//!    second post if history merely lagged; such a refusal leaves the post `publishing`
//!    until history shows it. A post is therefore never posted twice by Herald.

mod outcome;

use crate::changes::Writer;
use crate::domain::model::now_ms;
use crate::domain::{AuditAction, Post, PostStatus, Workspace};
use crate::gateway::{Gateway, GatewayError, Spend};
use crate::store::{NewEvent, StoreError};
use ayrshare::{HistoryQuery, PostRequest};
use chrono::Duration as ChronoDuration;
use herald_cache::Slots;
use std::sync::Arc;
use std::time::Duration;

pub use outcome::{apply_outcome, Outcome};

/// Retry and lease settings.
#[derive(Debug, Clone, Copy)]
pub struct PublishPolicy {
    /// Attempts per claim for retryable Ayrshare errors.
    pub attempts: u32,
    /// First backoff; doubled each attempt, with jitter, capped at 30 s.
    pub backoff: Duration,
    /// How long a claim is owned before another instance may settle it.
    pub lease: Duration,
    /// Claims under one key after which a post Ayrshare keeps failing is marked failed.
    pub max_claims: i64,
}

impl Default for PublishPolicy {
    fn default() -> Self {
        Self {
            attempts: 4,
            backoff: Duration::from_millis(500),
            lease: Duration::from_secs(60),
            max_claims: 5,
        }
    }
}

/// The actor recorded for Herald's own transitions.
pub const SYSTEM_ACTOR: &str = "herald";

/// The `notes` marker that identifies a publish attempt in Ayrshare's history.
pub fn marker(key: &str) -> String {
    format!("herald:{key}")
}

/// Claims `post` for publishing now: `publishing`, a lease, a fresh idempotency key on a
/// first claim (or a retry, which publishes only `targets`), the same key on a re-claim.
pub fn claim(
    post: &Post,
    targets: Option<Vec<String>>,
    lease: Duration,
    actor: &str,
    action: AuditAction,
) -> (Post, NewEvent) {
    let now = now_ms();
    let mut next = post.clone();
    next.version = post.version + 1;
    next.updated_at = now;
    next.status = PostStatus::Publishing;
    next.waiting_for = None;
    next.publish.lease_until =
        Some(now + ChronoDuration::from_std(lease).unwrap_or(ChronoDuration::seconds(60)));
    let reclaim = post.status == PostStatus::Publishing;
    if reclaim {
        next.publish.attempts += 1;
    } else {
        next.publish.key = Some(format!("{}-v{}", post.id, next.version));
        next.publish.attempts = 1;
        next.publish.targets = targets.unwrap_or_else(|| post.platforms.clone());
    }
    let event =
        NewEvent { actor: actor.to_owned(), action, comment: None, from: Some(post.status) };
    (next, event)
}

/// What one publish attempt learned.
enum Attempt {
    Done(Outcome),
    Rejected(String),
    Unknown { reason: String, sent: bool },
}

/// Publishes claimed posts through an Ayrshare client. Cheap to clone.
#[derive(Clone)]
pub struct Publisher {
    inner: Arc<Inner>,
}

struct Inner {
    gateway: Gateway,
    writer: Writer,
    policy: PublishPolicy,
}

impl Publisher {
    pub fn new(gateway: Gateway, writer: Writer, policy: PublishPolicy) -> Self {
        Self { inner: Arc::new(Inner { gateway, writer, policy }) }
    }

    pub fn policy(&self) -> PublishPolicy {
        self.inner.policy
    }

    pub fn gateway(&self) -> &Gateway {
        &self.inner.gateway
    }

    /// Publishes a post this caller has claimed, spending one use of `reserved` for it,
    /// and settles it. Returns the post as it now stands: settled, or still `publishing`
    /// when the outcome is not known yet.
    #[tracing::instrument(skip_all, fields(post = %post.id, workspace = %ws.id))]
    pub async fn publish(
        &self,
        ws: &Workspace,
        post: Post,
        reserved: &Slots,
    ) -> Result<Post, StoreError> {
        let (found, spend) = match post.publish.attempts > 1 {
            true => (self.find_in_history(ws, &post, reserved).await, Spend::Publish),
            false => (None, Spend::Reserved(reserved)),
        };
        let attempt = match found {
            Some(outcome) => Attempt::Done(outcome),
            None => self.send(ws, &post, spend).await,
        };
        match attempt {
            Attempt::Done(outcome) => self.settle(post, outcome).await,
            Attempt::Rejected(message) => self.settle(post, Outcome::rejected(message)).await,
            Attempt::Unknown { reason, sent } => self.leave_pending(post, reason, sent).await,
        }
    }

    /// On a re-claim, the marker in Ayrshare's history tells whether an earlier claimer
    /// got through.
    async fn find_in_history(
        &self,
        ws: &Workspace,
        post: &Post,
        reserved: &Slots,
    ) -> Option<Outcome> {
        let key = post.publish.key.as_deref().filter(|_| post.publish.attempts > 1)?;
        let query = HistoryQuery { limit: Some(1000), last_days: Some(0), ..Default::default() };
        match self.inner.gateway.history(ws, Spend::Reserved(reserved), &query).await {
            Ok(reply) => reply
                .body
                .items
                .into_iter()
                .find(|i| i.notes.as_deref() == Some(marker(key).as_str()))
                .map(Outcome::from),
            Err(e) => {
                tracing::warn!(post = %post.id, error = %e, "history lookup for a re-claimed post failed");
                None
            }
        }
    }

    async fn send(&self, ws: &Workspace, post: &Post, first: Spend<'_>) -> Attempt {
        let key =
            post.publish.key.clone().unwrap_or_else(|| format!("{}-v{}", post.id, post.version));
        let request = PostRequest {
            post: post.text.clone(),
            platforms: post.publish.targets.clone(),
            media_urls: post.media_urls.clone(),
            notes: Some(marker(&key)),
            idempotency_key: Some(key),
            schedule_date: None,
        };
        let mut last = String::new();
        let gateway = &self.inner.gateway;
        for attempt in 0..self.inner.policy.attempts {
            if attempt > 0 {
                tokio::time::sleep(backoff(self.inner.policy.backoff, attempt)).await;
            }
            let spend = if attempt == 0 { first } else { Spend::Publish };
            let sent = gateway.post(ws, spend, &request).await;
            let e = match sent {
                Ok(reply) => return Attempt::Done(Outcome::from(reply.body)),
                Err(GatewayError::Budget(wait)) => {
                    let reason =
                        format!("waiting for the Ayrshare budget ({}s)", wait.as_secs().max(1));
                    return Attempt::Unknown { reason, sent: false };
                }
                Err(GatewayError::Ayrshare(e)) => e,
            };
            match e {
                e if e.is_idempotency_reused() => {
                    return Attempt::Unknown {
                        reason: "Ayrshare already has this publish; waiting for its history".into(),
                        sent: true,
                    }
                }
                e if e.is_retryable() => {
                    tracing::warn!(post = %post.id, attempt, error = %e, "Ayrshare publish failed, will retry");
                    last = e.to_string();
                }
                e => return Attempt::Rejected(e.to_string()),
            }
        }
        Attempt::Unknown { reason: last, sent: false }
    }

    async fn settle(&self, post: Post, outcome: Outcome) -> Result<Post, StoreError> {
        let next = apply_outcome(&post, &outcome, now_ms());
        let event = NewEvent {
            actor: SYSTEM_ACTOR.into(),
            action: AuditAction::Publish,
            comment: outcome.summary(),
            from: Some(post.status),
        };
        tracing::info!(post = %post.id, status = %next.status, "publish settled");
        Ok(self.inner.writer.save(post.version, &next, &event).await?.post)
    }

    /// The outcome is unknown: keep the claim until its lease ends, then a re-claim
    /// settles it. After too many claims that never reached Ayrshare, give up as failed.
    async fn leave_pending(
        &self,
        post: Post,
        reason: String,
        sent: bool,
    ) -> Result<Post, StoreError> {
        if !sent && post.publish.attempts >= self.inner.policy.max_claims {
            let message = format!(
                "Ayrshare could not be reached after {} attempts: {reason}",
                post.publish.attempts
            );
            return self.settle(post, Outcome::rejected(message)).await;
        }
        tracing::warn!(post = %post.id, %reason, "publish outcome unknown; the post stays publishing until re-claimed");
        Ok(post)
    }
}

/// Exponential backoff with up to 25 % jitter, capped at 30 s.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.min(16)).min(Duration::from_secs(30));
    let jitter = rand::random::<f64>() * 0.25;
    exp.mul_f64(1.0 + jitter)
}
