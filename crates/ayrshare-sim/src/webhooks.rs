//! Outgoing webhooks: the `scheduled` payload (Ayrshare docs, webhooks/actions), its
//! HMAC-SHA256 signature, and delivery with a few retries on 408/425/429/5xx.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::distributions::{Alphanumeric, DistString};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::post::{iso, PostRecord, PostStatus};
use crate::store::{Delivery, ProfileView};

/// Header carrying `sign_webhook(secret, body)`.
pub const WEBHOOK_SIGNATURE_HEADER: &str = "X-Authorization-Content-SHA256";
/// Header carrying the delivery time in unix seconds.
pub const WEBHOOK_TIMESTAMP_HEADER: &str = "X-Authorization-Timestamp";

/// Attempts per delivery (Ayrshare makes about 9 over an hour; tests want it quick).
const ATTEMPTS: u32 = 3;
/// Delay before the second attempt; doubled for each one after.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// Ayrshare expects an answer within 15 s.
pub(crate) const DELIVERY_TIMEOUT: Duration = Duration::from_secs(15);

/// Lowercase hex of HMAC-SHA256 keyed with `secret` over the raw `body`: the value of
/// [`WEBHOOK_SIGNATURE_HEADER`].
pub fn sign_webhook(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
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
        "action": "scheduled",
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
        .header(WEBHOOK_TIMESTAMP_HEADER, Utc::now().timestamp().to_string())
        .header("X-Ayrshare-Delivery-Id", delivery_id)
        .header("X-Ayrshare-Delivery-Attempt", attempt.to_string())
        .body(delivery.body.clone());
    if let Some(secret) = &delivery.secret {
        request = request.header(WEBHOOK_SIGNATURE_HEADER, sign_webhook(secret, &delivery.body));
    }
    Ok(request.send().await?.status())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_lowercase_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        let sig = sign_webhook("Jefe", b"what do ya want for nothing?");
        assert_eq!(sig, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
