//! Webhooks: registration per profile and action, and the signed `scheduled` delivery.

use std::time::Duration;

use ayrshare::webhook::{self, Action, Webhook};
use ayrshare_sim::{sign_webhook, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER};
use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::time::timeout;

use crate::support::{in_ms, webhook_receiver, Api};

#[tokio::test]
async fn scheduled_post_sends_signed_webhook() {
    let api = Api::ready().await;
    let (url, mut webhooks) = webhook_receiver().await;
    let hook = json!({"action": "scheduled", "url": url, "secret": "s3cret"});
    assert_eq!(
        api.call(Method::POST, "/hook/webhook", None, Some(hook)).await.status,
        StatusCode::OK
    );
    let answer = api
        .post(None, json!({"post": "later", "platforms": ["linkedin"], "scheduleDate": in_ms(300)}))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["status"], "scheduled");
    let id = answer.body["id"].as_str().expect("id").to_string();
    let pending = api.history(None, "").await;
    assert_eq!(pending.body["history"][0]["status"], "pending");
    assert_eq!(pending.body["history"][0]["type"], "scheduled");

    let (headers, body) = timeout(Duration::from_secs(5), webhooks.recv())
        .await
        .expect("webhook in time")
        .expect("webhook");
    let signature =
        headers.get(WEBHOOK_SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).expect("signed");
    assert_eq!(signature, sign_webhook("s3cret", &body));
    let sent_at: i64 = headers
        .get(WEBHOOK_TIMESTAMP_HEADER)
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .expect("timestamp");
    assert!((Utc::now().timestamp() - sent_at).abs() < 10);
    let payload: Value = serde_json::from_slice(&body).expect("JSON payload");
    assert_eq!(payload["action"], "scheduled");
    assert_eq!(payload["status"], "success");
    assert_eq!(payload["id"], id.as_str());
    assert_eq!(payload["postIds"][0]["platform"], "linkedin");
    let published = api.call(Method::GET, &format!("/post/{id}"), None, None).await;
    assert_eq!(published.body["status"], "success");
}

#[tokio::test]
async fn webhook_without_secret_is_unsigned() {
    let api = Api::ready().await;
    let p1 = api.profile("P1").await;
    let (url, mut webhooks) = webhook_receiver().await;
    api.call(
        Method::POST,
        "/hook/webhook",
        Some(&p1),
        Some(json!({"action": "scheduled", "url": url})),
    )
    .await;
    api.post(
        Some(&p1),
        json!({"post": "later", "platforms": ["twitter"], "scheduleDate": in_ms(100)}),
    )
    .await;
    let (headers, _) = timeout(Duration::from_secs(5), webhooks.recv())
        .await
        .expect("webhook in time")
        .expect("webhook");
    assert!(headers.get(WEBHOOK_SIGNATURE_HEADER).is_none());
    assert!(headers.get(WEBHOOK_TIMESTAMP_HEADER).is_some());
}

#[tokio::test]
async fn immediate_posts_send_no_scheduled_webhook() {
    let api = Api::ready().await;
    let (url, mut webhooks) = webhook_receiver().await;
    api.call(Method::POST, "/hook/webhook", None, Some(json!({"action": "scheduled", "url": url})))
        .await;
    api.post(
        None,
        json!({"post": "now", "platforms": ["twitter"], "scheduleDate": in_ms(-60_000)}),
    )
    .await;
    assert!(timeout(Duration::from_millis(300), webhooks.recv()).await.is_err());
}

#[tokio::test]
async fn webhooks_are_registered_listed_and_removed_per_profile() {
    let api = Api::ready().await;
    let p = api.profile("P").await;
    let bad = api
        .call(
            Method::POST,
            "/hook/webhook",
            None,
            Some(json!({"action": "nope", "url": "https://x.test"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let set = api
        .call(
            Method::POST,
            "/hook/webhook",
            None,
            Some(json!({"action": "social", "url": "https://x.test/h"})),
        )
        .await;
    assert_eq!(
        (set.body["status"].as_str(), set.body["action"].as_str()),
        (Some("success"), Some("social"))
    );
    let listed = api.call(Method::GET, "/hook/webhook", None, None).await;
    assert_eq!(listed.body["social"], "https://x.test/h");
    assert!(api
        .call(Method::GET, "/hook/webhook", Some(&p), None)
        .await
        .body
        .get("social")
        .is_none());
    api.call(Method::DELETE, "/hook/webhook", None, Some(json!({"action": "social"}))).await;
    assert!(api.call(Method::GET, "/hook/webhook", None, None).await.body.get("social").is_none());
}

#[tokio::test]
async fn a_scheduled_webhook_verifies_and_decodes_with_the_client_crate() {
    let api = Api::ready().await;
    let (url, mut webhooks) = webhook_receiver().await;
    let hook = json!({"action": "scheduled", "url": url, "secret": "s3cret"});
    api.call(Method::POST, "/hook/webhook", None, Some(hook)).await;
    let body = json!({"post": "decode me", "platforms": ["telegram", "twitter"], "scheduleDate": in_ms(100)});
    let posted = api.post(None, body).await;
    let (headers, body) = timeout(Duration::from_secs(5), webhooks.recv())
        .await
        .expect("webhook in time")
        .expect("webhook");
    assert!(webhook::verify("s3cret", &headers, &body));
    let hook = Webhook::decode(&body).expect("a webhook");
    assert_eq!(hook.action, Action::Scheduled);
    assert_eq!(hook.id.as_deref(), posted.body["id"].as_str());
    assert_eq!(hook.status.as_deref(), Some("success"));
    assert!(hook.hook_id.is_some(), "every delivery has a hookId to de-duplicate on");
    let platforms: Vec<&str> = hook.post_ids.iter().map(|p| p.platform.as_str()).collect();
    assert_eq!(platforms, ["telegram", "twitter"]);
    assert!(hook.post_ids.iter().all(|p| !p.id.is_empty()), "Telegram's numeric id reads as text");
}
