//! Outgoing webhooks: the `scheduled` and `social` payloads (Ayrshare docs,
//! webhooks/actions) and
//! delivery with a few retries on 408/425/429/5xx, signed with
//! [`ayrshare::webhook::sign`] so the simulator and the client crate cannot disagree on
//! the protocol.

use std::time::Duration;

use ayrshare::webhook::{sign, Action, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use ayrshare::Platform;
use chrono::{DateTime, Utc};
use rand::distributions::{Alphanumeric, DistString};
use serde_json::{json, Value};

use crate::post::{iso, PostRecord, PostStatus};
use crate::profile::ProfileView;

/// Attempts per delivery (Ayrshare makes about 9 over an hour; tests want it quick).
const ATTEMPTS: u32 = 3;
/// Delay before the second attempt; doubled for each one after.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// Ayrshare expects an answer within 15 s.
pub(crate) const DELIVERY_TIMEOUT: Duration = Duration::from_secs(15);

/// A webhook to POST once the store's lock is released. Its `Debug` hides the secret.
#[derive(Clone)]
pub(crate) struct Delivery {
    pub(crate) url: String,
    /// HMAC key for the signature header; no header is sent without one.
    pub(crate) secret: Option<String>,
    /// The exact bytes sent, and signed.
    pub(crate) body: Vec<u8>,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery")
            .field("url", &self.url)
            .field("signed", &self.secret.is_some())
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The `scheduled` webhook body for a post that was just processed.
pub(crate) fn scheduled_payload(
    post: &PostRecord,
    profile: &ProfileView,
    url: &str,
    now: DateTime<Utc>,
) -> Value {
    let ok = post.status == PostStatus::Success;
    json!({
        "action": Action::Scheduled.as_str(),
        "created": iso(now),
        "code": if ok { 200 } else { 400 },
        "status": if ok { "success" } else { "error" },
        "refId": profile.ref_id,
        "id": post.id,
        "post": post.text,
        "errors": post.errors(),
        "postIds": post.post_ids(),
        "url": url,
        "hookId": Alphanumeric.sample_string(&mut rand::thread_rng(), 20),
    })
}

/// The `social` webhook body for a network linked or unlinked by the user.
pub(crate) fn social_payload(
    platform: Platform,
    linked: bool,
    profile: &ProfileView,
    now: DateTime<Utc>,
) -> Value {
    json!({
        "action": Action::Social.as_str(),
        "created": iso(now),
        "code": 200,
        "platform": platform,
        "refId": profile.ref_id,
        "displayName": format!("Sim {}", platform.label()),
        "source": "user",
        "type": if linked { "link" } else { "unlink" },
        "hookId": Alphanumeric.sample_string(&mut rand::thread_rng(), 20),
    })
}

/// Whether a webhook answer asks for another attempt.
fn retryable(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 425 | 429) || status.is_server_error()
}

/// POSTs one webhook, signed when a secret is set, retrying transient failures.
pub(crate) async fn deliver(client: reqwest::Client, delivery: Delivery) {
    let delivery_id = Alphanumeric.sample_string(&mut rand::thread_rng(), 20);
    let mut backoff = FIRST_BACKOFF;
    for attempt in 1..=ATTEMPTS {
        match send(&client, &delivery, &delivery_id, attempt).await {
            Ok(status) if !retryable(status) => {
                tracing::debug!(url = %delivery.url, %status, attempt, "webhook delivered");
                return;
            }
            Ok(status) => {
                tracing::debug!(url = %delivery.url, %status, attempt, "webhook refused, will retry")
            }
            Err(error) => {
                tracing::debug!(url = %delivery.url, %error, attempt, "webhook failed, will retry")
            }
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
    }
    tracing::warn!(url = %delivery.url, "webhook not delivered after {ATTEMPTS} attempts");
}

async fn send(
    client: &reqwest::Client,
    delivery: &Delivery,
    delivery_id: &str,
    attempt: u32,
) -> reqwest::Result<reqwest::StatusCode> {
    let mut request = client
        .post(&delivery.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(TIMESTAMP_HEADER, Utc::now().timestamp().to_string())
        .header("X-Ayrshare-Delivery-Id", delivery_id)
        .header("X-Ayrshare-Delivery-Attempt", attempt.to_string())
        .body(delivery.body.clone());
    if let Some(secret) = &delivery.secret {
        request = request.header(SIGNATURE_HEADER, sign(secret, &delivery.body));
    }
    Ok(request.send().await?.status())
}
