//! The delivery loop of one instance: every interval, and at once when a change
//! committed here ([`super::Waker`]), it turns new audit events into outbox messages
//! ([`Webhooks::feed_pass`]) and sends the messages that are due
//! ([`Webhooks::send_pass`]). A failed attempt is retried after a wait that doubles from
//! the configured base up to an hour, with jitter (half to all of it), until the retry
//! window (24 h) from the message's creation ends; then it is `failed`, and the post's
//! next message may go.

use super::{events, guard, sign, Webhooks, CONSUMER};
use crate::coherence::error::AppResult;
use crate::foundation::background::{self, LoopHandle};
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::webhooks::EventType;
use crate::foundation::domain::webhooks::{
    Attempt, ClaimedDelivery, DeliveryStatus, Endpoint, NewDelivery,
};
use crate::storage::store::FeedEvent;
use chrono::{DateTime, Utc};
use rand::Rng;
use std::collections::HashMap;
use std::time::Duration;

/// How long a claim on the feed holds.
const FEED_LEASE: Duration = Duration::from_secs(30);
const FEED_BATCH: u32 = 200;
const SEND_BATCH: u32 = 20;
/// The longest wait between attempts.
const MAX_WAIT: Duration = Duration::from_secs(3600);

/// A message's body: `{"type", "timestamp", "data"}`.
pub fn body(event_type: EventType, at: DateTime<Utc>, data: &serde_json::Value) -> String {
    let timestamp = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    serde_json::json!({ "type": event_type, "timestamp": timestamp, "data": data }).to_string()
}

/// The wait after a message's `attempts`-th failure: `base`·2^(attempts-1) up to an
/// hour, then a random part of it from half to all.
pub fn back_off(base: Duration, attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let full = base.saturating_mul(2u32.saturating_pow(doublings)).min(MAX_WAIT);
    full.mul_f64(rand::thread_rng().gen_range(0.5..=1.0))
}

impl Webhooks {
    /// Starts the loop; `interval` zero means no loop.
    pub fn spawn(self, interval: Duration) -> LoopHandle {
        let wake = self.inner.wake.clone();
        let pass = move || {
            let hooks = self.clone();
            async move { hooks.run_once().await }
        };
        background::spawn_loop(interval, pass, Some(wake))
    }

    /// One pass: new events' messages, then the due messages.
    pub async fn run_once(&self) {
        if let Err(e) = self.feed_pass().await {
            tracing::warn!(error = %e, "webhook feed pass failed; the next one retries");
        }
        if let Err(e) = self.send_pass().await {
            tracing::warn!(error = %e, "webhook delivery pass failed; the next one retries");
        }
    }

    /// Writes the messages of every event committed since the last pass, while this
    /// instance holds the feed's claim; how many were written.
    pub async fn feed_pass(&self) -> AppResult<u64> {
        let (outbox, webhooks) = (&self.inner.outbox, &self.inner.webhooks);
        let mut written = 0;
        while let Some(claim) =
            outbox.claim_events(CONSUMER, Utc::now(), FEED_LEASE, FEED_BATCH).await?
        {
            let mut endpoints: HashMap<String, Vec<Endpoint>> = HashMap::new();
            let mut messages = Vec::new();
            for fe in &claim.events {
                if !endpoints.contains_key(&fe.workspace_id) {
                    let found = webhooks.webhooks(&fe.workspace_id).await?;
                    endpoints.insert(fe.workspace_id.clone(), found);
                }
                let to = &endpoints[&fe.workspace_id];
                messages.extend(self.messages_of(fe, to).await?);
            }
            written += webhooks.enqueue_webhooks(&messages).await?;
            let Some(last) = claim.events.last() else { break };
            if !outbox.advance(&claim.token, &last.event.id).await? {
                tracing::warn!("the webhook feed's claim lapsed; another instance continues");
                break;
            }
        }
        if written > 0 {
            self.wake();
        }
        Ok(written)
    }

    /// The messages of one audit event to the endpoints subscribed to its types.
    async fn messages_of(&self, fe: &FeedEvent, to: &[Endpoint]) -> AppResult<Vec<NewDelivery>> {
        let event = &fe.event;
        let types = events::types_of(event);
        let wanted = |e: &&Endpoint| types.iter().any(|t| e.events.contains(t));
        if types.is_empty() || !to.iter().any(|e| wanted(&e)) {
            return Ok(Vec::new());
        }
        let Some(post) = self.inner.posts.post(&fe.workspace_id, &event.post_id).await? else {
            return Ok(Vec::new());
        };
        let data =
            serde_json::to_value(&post).map_err(crate::coherence::error::AppError::internal)?;
        let now = now_ms();
        let mut messages = Vec::new();
        for (place, event_type) in (0i64..).zip(&types) {
            let body = body(*event_type, event.at, &data);
            for endpoint in to.iter().filter(|e| e.events.contains(event_type)) {
                messages.push(NewDelivery {
                    id: format!("msg_{}", uuid::Uuid::now_v7().simple()),
                    endpoint_id: endpoint.id.clone(),
                    source: format!("event:{}", event.id),
                    event_type: *event_type,
                    post_id: Some(post.id.clone()),
                    post_seq: event.version.saturating_mul(16).saturating_add(place),
                    body: body.clone(),
                    created_at: now,
                    give_up_at: now + self.window(),
                });
            }
        }
        Ok(messages)
    }

    /// Sends the messages that are due, a batch at a time; how many were delivered.
    pub async fn send_pass(&self) -> AppResult<usize> {
        let mut delivered = 0;
        loop {
            let claimed = self
                .inner
                .webhooks
                .claim_webhooks(Utc::now(), self.inner.settings.lease, SEND_BATCH)
                .await?;
            if claimed.is_empty() {
                return Ok(delivered);
            }
            let attempts = futures::future::join_all(claimed.iter().map(|m| self.attempt(m)));
            for outcome in attempts.await {
                delivered += usize::from(outcome?);
            }
        }
    }

    /// Sends one message and records what came of it; whether it was delivered.
    async fn attempt(&self, m: &ClaimedDelivery) -> AppResult<bool> {
        let (last_status, last_error) = self.send(m).await;
        let now = now_ms();
        let ok = last_status.is_some_and(|s| (200..300).contains(&s));
        let status = match (ok, now >= m.give_up_at) {
            (true, _) => DeliveryStatus::Delivered,
            (false, true) => DeliveryStatus::Failed,
            (false, false) => DeliveryStatus::Pending,
        };
        let wait = back_off(self.inner.settings.retry_base, m.attempts);
        let next = (now + chrono::Duration::from_std(wait).unwrap_or_default()).min(m.give_up_at);
        let attempt = Attempt {
            id: m.id.clone(),
            endpoint_id: m.endpoint_id.clone(),
            status,
            last_status,
            last_error,
            next_attempt_at: if status == DeliveryStatus::Pending { next } else { now },
            at: now,
        };
        if !ok {
            tracing::info!(delivery = %m.id, webhook = %m.endpoint_id, attempts = m.attempts,
                status = ?last_status, "a webhook delivery failed");
        }
        let since = now - self.window();
        if self.inner.webhooks.record_webhook_attempt(&attempt, since).await? {
            tracing::warn!(webhook = %m.endpoint_id, workspace = %m.workspace_id,
                "a webhook endpoint failed for the whole retry window and was disabled");
            let notifier = &self.inner.notifier;
            let told = notifier.webhook_disabled(&m.workspace_id, &m.endpoint_id, &m.url, now);
            if let Err(e) = told.await {
                tracing::warn!(error = %e, webhook = %m.endpoint_id, "telling the admins failed");
            }
        }
        Ok(ok)
    }

    /// POSTs the message, signed; the answer's status and, unless it is a 2xx, the
    /// start of its body or why there was none.
    async fn send(&self, m: &ClaimedDelivery) -> (Option<i64>, Option<String>) {
        let url = match url::Url::parse(&m.url) {
            Ok(url) => url,
            Err(e) => return (None, Some(format!("invalid url: {e}"))),
        };
        if let Err(e) = self.inner.guard.check_literal(&url) {
            return (None, Some(e.to_string()));
        }
        let timestamp = Utc::now().timestamp();
        let signature = sign::signature(&m.secret, &m.id, timestamp, &m.body);
        let request = self
            .inner
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &m.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(m.body.clone());
        match request.send().await {
            Ok(answer) => {
                let status = i64::from(answer.status().as_u16());
                let start = read_start(answer).await;
                let ok = (200..300).contains(&status);
                (Some(status), (!ok).then_some(start))
            }
            Err(e) => (None, Some(truncate(&error_chain(&e)))),
        }
    }
}

/// At most [`guard::MAX_ANSWER`] bytes of an answer, as text.
async fn read_start(mut answer: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < guard::MAX_ANSWER {
        match answer.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    bytes.truncate(guard::MAX_ANSWER);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A request error with its causes (where `url_not_allowed` from the resolver shows).
fn error_chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn truncate(text: &str) -> String {
    let mut end = text.len().min(guard::MAX_ANSWER);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_the_base_with_jitter_up_to_an_hour() {
        let base = Duration::from_secs(5);
        for attempts in 1..=12 {
            let full = (base * 2u32.pow(attempts - 1)).min(MAX_WAIT);
            let wait = back_off(base, i64::from(attempts));
            assert!(wait >= full / 2 && wait <= full, "{attempts}: {wait:?} of {full:?}");
        }
    }
}
