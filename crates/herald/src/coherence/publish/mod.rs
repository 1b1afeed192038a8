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
//!
//! A post whose networks have different texts or first comments is sent as one request
//! per group of networks that share them ([`groups`], which argues the choice), each with
//! its own key and marker; the steps above hold per request, and the post settles when
//! every request's outcome is known.

mod groups;
mod outcome;

use crate::coherence::changes::Writer;
use crate::coherence::gateway::{Gateway, GatewayError, Spend};
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::{Actor, AuditAction, Post, PostStatus, Workspace};
use crate::storage::store::{NewEvent, StoreError};
use ayrshare::Platform;
use ayrshare::{FirstComment, HistoryQuery, PostRequest};
use chrono::Duration as ChronoDuration;
use herald_cache::Slots;
use std::sync::Arc;
use std::time::Duration;

pub use groups::{groups, Group};
pub use outcome::{apply_outcome, apply_outcomes, Outcome};

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

/// The `notes` marker that identifies a publish attempt in Ayrshare's history.
pub fn marker(key: &str) -> String {
    format!("herald:{key}")
}

/// Claims `post` for publishing now: `publishing`, a lease, a fresh idempotency key on a
/// first claim (or a retry, which publishes only `targets`), the same key on a re-claim.
pub fn claim(
    post: &Post,
    targets: Option<Vec<Platform>>,
    lease: Duration,
    actor: &Actor,
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

    /// Publishes a post this caller has claimed, spending one use of `reserved` for its
    /// first request (the others, when its networks differ in text, spend from the
    /// window), and settles it. Returns the post as it now stands: settled, or still
    /// `publishing` when an outcome is not known yet.
    #[tracing::instrument(skip_all, fields(post = %post.id, workspace = %ws.id))]
    pub async fn publish(
        &self,
        ws: &Workspace,
        post: Post,
        reserved: &Slots,
    ) -> Result<Post, StoreError> {
        let key =
            post.publish.key.clone().unwrap_or_else(|| format!("{}-v{}", post.id, post.version));
        let (history, mut spend) = match post.publish.attempts > 1 {
            true => (self.history(ws, &post, reserved).await, Spend::Publish),
            false => (Vec::new(), Spend::Reserved(reserved)),
        };
        let mut known: Vec<(Vec<Platform>, Outcome)> = Vec::new();
        let mut unknown: Vec<(Group, String, bool)> = Vec::new();
        for group in groups(&post, &key) {
            let marker = marker(&group.key);
            if let Some(item) = history.iter().find(|i| i.notes.as_deref() == Some(&marker)) {
                known.push((group.platforms, Outcome::from(item.clone())));
                continue;
            }
            match self.send(ws, &post, &group, spend).await {
                Attempt::Done(outcome) => known.push((group.platforms, outcome)),
                Attempt::Rejected(message) => {
                    known.push((group.platforms, Outcome::rejected(message)));
                }
                Attempt::Unknown { reason, sent } => unknown.push((group, reason, sent)),
            }
            spend = Spend::Publish;
        }
        if unknown.is_empty() {
            return self.settle(post, known).await;
        }
        self.leave_pending(post, known, unknown).await
    }

    /// On a re-claim, Ayrshare's history: the markers in it tell which requests an
    /// earlier claimer got through.
    async fn history(
        &self,
        ws: &Workspace,
        post: &Post,
        reserved: &Slots,
    ) -> Vec<ayrshare::HistoryItem> {
        let query = HistoryQuery { limit: Some(1000), last_days: Some(0), ..Default::default() };
        match self.inner.gateway.history(ws, Spend::Reserved(reserved), &query).await {
            Ok(reply) => reply.body.items,
            Err(e) => {
                tracing::warn!(post = %post.id, error = %e, "history lookup for a re-claimed post failed");
                Vec::new()
            }
        }
    }

    async fn send(&self, ws: &Workspace, post: &Post, group: &Group, first: Spend<'_>) -> Attempt {
        let request = PostRequest {
            post: group.text.clone(),
            platforms: group.platforms.iter().map(|p| p.as_str().to_owned()).collect(),
            media_urls: post.media_urls.clone(),
            notes: Some(marker(&group.key)),
            idempotency_key: Some(group.key.clone()),
            schedule_date: None,
            first_comment: group
                .first_comment
                .clone()
                .map(|comment| FirstComment { comment, media_urls: vec![] }),
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

    async fn settle(
        &self,
        post: Post,
        outcomes: Vec<(Vec<Platform>, Outcome)>,
    ) -> Result<Post, StoreError> {
        let next = apply_outcomes(&post, &outcomes, now_ms());
        let summaries: Vec<String> = outcomes.iter().filter_map(|(_, o)| o.summary()).collect();
        let event = NewEvent {
            actor: Actor::Herald,
            action: AuditAction::Publish,
            comment: (!summaries.is_empty()).then(|| summaries.join("; ")),
            from: Some(post.status),
        };
        tracing::info!(post = %post.id, status = %next.status, "publish settled");
        Ok(self.inner.writer.save(post.version, &next, &event).await?.post)
    }

    /// Some outcome is unknown: keep the claim until its lease ends, then a re-claim
    /// settles it (the requests that got through found in history). After too many
    /// claims whose unknown requests never reached Ayrshare, those give up as failed and
    /// the post settles with what is known.
    async fn leave_pending(
        &self,
        post: Post,
        mut known: Vec<(Vec<Platform>, Outcome)>,
        unknown: Vec<(Group, String, bool)>,
    ) -> Result<Post, StoreError> {
        let sent = unknown.iter().any(|(_, _, sent)| *sent);
        if !sent && post.publish.attempts >= self.inner.policy.max_claims {
            for (group, reason, _) in unknown {
                let message = format!(
                    "Ayrshare could not be reached after {} attempts: {reason}",
                    post.publish.attempts
                );
                known.push((group.platforms, Outcome::rejected(message)));
            }
            return self.settle(post, known).await;
        }
        let reasons: Vec<&str> = unknown.iter().map(|(_, r, _)| r.as_str()).collect();
        let reason = reasons.join("; ");
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
