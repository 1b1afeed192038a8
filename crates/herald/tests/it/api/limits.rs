//! Request limits: per-caller rate limiting (429 `rate_limited` with `Retry-After`, one
//! allowance per authenticated caller, one per client address for everything else,
//! health and metrics exempt) and the request body limit (413 `payload_too_large` with
//! the error body, nothing written).

use crate::support::*;
use herald::app::http::BODY_LIMIT;
use reqwest::Method;
use serde_json::{json, Value};

const PER_MINUTE: u32 = 5;

/// GETs `path` and returns status, `Retry-After` and the JSON body.
async fn get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Option<u64>, Value) {
    let mut req = app.http.get(format!("{}{path}", app.url));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("request sent");
    let status = res.status().as_u16();
    let retry_after =
        res.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    (status, retry_after, res.json().await.unwrap_or(Value::Null))
}

#[track_caller]
fn assert_rate_limited(reply: &(u16, Option<u64>, Value)) {
    let (status, retry_after, body) = reply;
    assert_eq!(*status, 429, "expected 429, body: {body}");
    assert_eq!(body["error"]["code"], "rate_limited", "error body: {body}");
    assert!(
        body["error"]["message"].is_string() && body["error"]["details"].is_object(),
        "error body: {body}"
    );
    // One request per 12 s comes back at 5 per minute.
    assert!(retry_after.is_some_and(|s| (1..=12).contains(&s)), "Retry-After: {retry_after:?}");
}

#[tokio::test]
async fn a_burst_over_the_limit_is_429_and_other_callers_are_unaffected() {
    let app =
        spawn_app_with(Options { rate_limit_per_minute: PER_MINUTE, ..Options::default() }).await;
    // Three of the admin token's five requests.
    let ws = app.create_workspace("limited", true, "expire").await;
    let viewer = app.token(&ws, "viewer").await;
    let editor = app.token(&ws, "editor").await;
    let path = format!("/api/workspaces/{ws}");

    for i in 0..PER_MINUTE {
        assert_eq!(get(&app, &path, Some(&viewer)).await.0, 200, "request {i} is within the limit");
    }
    assert_rate_limited(&get(&app, &path, Some(&viewer)).await);
    assert_rate_limited(&get(&app, "/api/workspaces", Some(&viewer)).await);

    // Other callers have their own allowance. Without valid credentials (none, or a
    // token Herald does not know), the client address is the caller.
    assert_eq!(get(&app, &path, Some(&editor)).await.0, 200);
    assert_eq!(get(&app, &path, Some(ADMIN)).await.0, 200);
    for i in 0..PER_MINUTE {
        let token = if i % 2 == 0 { Some("hrld_not-a-token") } else { None };
        assert_eq!(get(&app, &path, token).await.0, 401);
    }
    assert_rate_limited(&get(&app, &path, Some("hrld_another-guess")).await);
    assert_rate_limited(&get(&app, "/api/workspaces", None).await);
    for probe in ["/healthz", "/readyz", "/metrics"] {
        for _ in 0..PER_MINUTE * 2 {
            let status = app.http.get(format!("{}{probe}", app.url)).send().await.unwrap().status();
            assert_eq!(status, 200, "{probe} is exempt");
        }
    }
    assert_eq!(get(&app, &path, Some(&editor)).await.0, 200, "the editor still has requests left");
}

/// `template` (a JSON object with one `""` string field `field`) padded to `size` bytes.
fn body_of_size(template: Value, field: &str, size: usize) -> String {
    let frame = template.to_string().len();
    let mut body = template;
    body[field] = json!("x".repeat(size - frame));
    body.to_string()
}

fn post_of_size(size: usize) -> String {
    body_of_size(json!({"text": "", "platforms": ["twitter"]}), "text", size)
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: String,
) -> Reply {
    let mut req = app
        .http
        .request(method, format!("{}{path}", app.url))
        .header("content-type", "application/json")
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("request sent");
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_with_the_error_body_and_nothing_is_written() {
    let app = spawn_app().await;
    let ws = app.create_workspace("bodies", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let posts = format!("/api/workspaces/{ws}/posts");
    let too_big = post_of_size(BODY_LIMIT + 1);
    assert_eq!(too_big.len(), BODY_LIMIT + 1);

    send(&app, Method::POST, &posts, Some(&editor), too_big.clone())
        .await
        .expect_error(413, "payload_too_large");
    let rename = body_of_size(json!({"name": ""}), "name", BODY_LIMIT + 1);
    send(&app, Method::PATCH, &format!("/api/workspaces/{ws}"), Some(ADMIN), rename)
        .await
        .expect_error(413, "payload_too_large");
    // The webhook reads its raw body itself (to check the HMAC): the same answer.
    send(&app, Method::POST, "/api/webhooks/ayrshare", None, too_big)
        .await
        .expect_error(413, "payload_too_large");

    // Exactly at the limit the body is read, and the text is refused as too long instead.
    send(&app, Method::POST, &posts, Some(&editor), post_of_size(BODY_LIMIT))
        .await
        .expect_error(422, "invalid_field");

    let list = app.call(Method::GET, &posts, Some(&editor), None).await.expect(200);
    assert_eq!(list["posts"].as_array().unwrap().len(), 0, "no post was written: {list}");
    assert_eq!(posts_sent(&app.sim_stats()), 0, "nothing went to Ayrshare");
    let workspace = app
        .call(Method::GET, &format!("/api/workspaces/{ws}"), Some(ADMIN), None)
        .await
        .expect(200);
    assert_eq!(workspace["name"], "bodies", "the workspace is unchanged");
}
