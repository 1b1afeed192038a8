//! The SSRF guard: private, loopback and link-local targets are refused when an
//! endpoint is registered (422 `url_not_allowed`) and, for a name that resolves to one,
//! again at delivery, after resolution.

use super::{log_until, register};
use crate::support::*;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

fn guarded() -> Options {
    Options { webhooks_allow_private: false, webhooks_interval_ms: 50, ..Options::default() }
}

#[tokio::test]
async fn private_loopback_and_link_local_targets_are_refused_with_url_not_allowed() {
    let app = spawn_app_with(guarded()).await;
    let ws = app.create_workspace("ssrf", true, "expire").await;
    let path = format!("/api/workspaces/{ws}/webhooks");
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
    ] {
        let body = json!({"url": url, "events": ["post.created"]});
        app.call(Method::POST, &path, Some(ADMIN), Some(body))
            .await
            .expect_error(422, "url_not_allowed");
    }
    for (url, events) in [
        ("ftp://example.com/", json!(["post.created"])),
        ("http://example.com/", json!(["post.exploded"])),
        ("http://example.com/", json!([])),
    ] {
        let body = json!({"url": url, "events": events});
        app.call(Method::POST, &path, Some(ADMIN), Some(body))
            .await
            .expect_error(422, "invalid_field");
    }
    let listed = app.call(Method::GET, &path, Some(ADMIN), None).await.expect(200);
    assert_eq!(listed, json!([]));
}

/// An endpoint whose name resolves to loopback by the time of delivery (as a DNS
/// rebinding would make it) is refused by the client's resolver: no connection made.
#[tokio::test]
async fn a_name_resolving_to_loopback_at_delivery_time_is_not_connected_to() {
    let app = spawn_app_with(guarded()).await;
    let ws = app.create_workspace("rebind", true, "expire").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let endpoint = herald::foundation::domain::webhooks::Endpoint {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.clone(),
        url: format!("http://localhost:{port}/hook"),
        events: vec![herald::foundation::domain::webhooks::EventType::PostCreated],
        secret: herald::services::webhooks_out::sign::new_secret(),
        created_at: chrono::Utc::now(),
        failing_since: None,
        disabled_at: None,
    };
    // Stored as if it had passed the check when its name resolved elsewhere.
    app.store.create_webhook(&endpoint).await.unwrap();
    let editor = app.token(&ws, "editor").await;
    // A first endpoint through the API starts the feed consumer before the post.
    let (_, _) = register_public(&app, &ws).await;
    app.create_post(&ws, &editor, json!({"text": "hi", "platforms": ["twitter"]}))
        .await
        .expect(201);
    let log = log_until(&app, &ws, &endpoint.id, |l| {
        l.first().is_some_and(|d| d["attempts"].as_i64() >= Some(1) && d["last_error"].is_string())
    })
    .await;
    assert!(log[0]["last_error"].as_str().unwrap().contains("url_not_allowed"), "{log:?}");
    assert_eq!(log[0]["status"], "pending");
    let accepted = tokio::time::timeout(Duration::from_millis(300), listener.accept()).await;
    assert!(accepted.is_err(), "Herald connected to a loopback address");
}

/// An endpoint on a public address (never reached in the test: no post matches it).
async fn register_public(app: &TestApp, ws: &str) -> (String, String) {
    register(app, ws, "http://93.184.216.34/hook", &["comment.created"]).await
}
