//! Black-box tests of the simulator: each spawns one on port 0 and talks to it with
//! reqwest, the way an Ayrshare client would.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use ayrshare_sim::{
    sign_webhook, SimConfig, SimHandle, Simulator, Stats, IDEMPOTENCY_REUSED_CODE,
    WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER,
};
use chrono::{SecondsFormat, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::time::{timeout, Instant};

/// A running simulator and a client for it.
struct Api {
    sim: SimHandle,
    http: reqwest::Client,
}

/// One answer: status, headers and JSON body.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

impl Api {
    async fn start(config: SimConfig) -> Api {
        let sim = Simulator::spawn(config).await.expect("simulator starts");
        Api { sim, http: reqwest::Client::new() }
    }

    async fn default() -> Api {
        Api::start(SimConfig::default()).await
    }

    /// Calls `path` (under the base URL) with the API key and, if given, a Profile-Key.
    async fn call(
        &self,
        method: Method,
        path: &str,
        profile: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.sim.base_url()))
            .bearer_auth("TEST-KEY");
        if let Some(profile) = profile {
            request = request.header("Profile-Key", profile);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        answer(request.send().await.expect("request sent")).await
    }

    async fn post(&self, profile: Option<&str>, body: Value) -> Answer {
        self.call(Method::POST, "/post", profile, Some(body)).await
    }

    async fn history(&self, profile: Option<&str>, query: &str) -> Answer {
        self.call(Method::GET, &format!("/history{query}"), profile, None).await
    }

    /// Calls one of the simulator's own `/__sim` routes.
    async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self.http.request(method, format!("{}/__sim{path}", self.sim.root_url()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        answer(request.send().await.expect("request sent")).await
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body read");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    Answer { status, headers, body }
}

fn in_ms(ms: i64) -> String {
    (Utc::now() + chrono::TimeDelta::milliseconds(ms)).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Polls `check` every 20 ms until it is true or `limit` passes.
async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// A local webhook receiver: every POST body and its headers arrive on the channel.
async fn webhook_receiver() -> (String, mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send((headers, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind receiver");
    let url = format!("http://{}/hook", listener.local_addr().expect("receiver address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

#[tokio::test]
async fn history_is_an_error_221_when_empty() {
    let api = Api::default().await;
    let answer = api.history(None, "").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.body,
        json!({"history": {"code": 221, "action": "get", "status": "error", "message": "History not found"}, "count": 0})
    );
}

#[tokio::test]
async fn immediate_post_is_unwrapped_with_one_post_id_per_platform() {
    let api = Api::default().await;
    let answer = api.post(None, json!({"post": "Today is a great day!", "platforms": ["twitter", "telegram"], "source": "npm"})).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), "application/json; charset=utf-8");
    let body = &answer.body;
    assert_eq!(body["status"], "success");
    assert_eq!(body["errors"], json!([]));
    assert_eq!(body["post"], "Today is a great day!");
    let id = body["id"].as_str().expect("id");
    assert!(id.len() == 20 && id.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(body["refId"].as_str().map(str::len), Some(40));
    let post_ids = body["postIds"].as_array().expect("postIds");
    assert_eq!(post_ids.len(), 2);
    assert_eq!(post_ids[0]["platform"], "twitter");
    assert!(post_ids[0]["id"].is_string());
    assert!(post_ids[1]["id"].is_number(), "telegram ids are numbers");
    assert!(post_ids.iter().all(|p| p["status"] == "success" && p["postUrl"].is_string()));
}

#[tokio::test]
async fn wrapped_response_with_profile_key() {
    let api = Api::default().await;
    let created =
        api.call(Method::POST, "/profiles", None, Some(json!({"title": "Good Fun"}))).await;
    let key = created.body["profileKey"].as_str().expect("profile key").to_string();
    let answer =
        api.post(Some(&key), json!({"post": "I love to post", "platforms": ["facebook"]})).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["status"], "success");
    let inner = &answer.body["posts"][0];
    assert_eq!(inner["profileTitle"], "Good Fun");
    assert_eq!(inner["refId"], created.body["refId"]);
    assert_eq!(inner["postIds"][0]["platform"], "facebook");
    assert!(answer.body.get("id").is_none(), "the post sits inside posts[]");
}

#[tokio::test]
async fn reused_idempotency_key_is_rejected_without_posting() {
    let api = Api::default().await;
    let body = json!({"post": "once", "platforms": ["twitter"], "idempotencyKey": "k-1"});
    assert_eq!(api.post(None, body.clone()).await.status, StatusCode::OK);
    let again = api
        .post(None, json!({"post": "twice", "platforms": ["linkedin"], "idempotencyKey": "k-1"}))
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.body["status"], "error");
    assert_eq!(again.body["code"], IDEMPOTENCY_REUSED_CODE);
    assert!(again.body["message"]
        .as_str()
        .is_some_and(|m| m.contains("Idempotency key already used")));
    let history = api.history(None, "").await;
    assert_eq!(history.body["count"], 1, "nothing was posted the second time");
    let other_profile = api.post(Some("OTHER"), body).await;
    assert_eq!(other_profile.status, StatusCode::OK, "keys are per profile");
}

#[tokio::test]
async fn post_appears_in_history_only_after_the_lag() {
    let api =
        Api::start(SimConfig { history_lag: Duration::from_millis(200), ..SimConfig::default() })
            .await;
    let started = Instant::now();
    let posted = api.post(None, json!({"post": "lagging", "platforms": ["twitter"]})).await;
    let id = posted.body["id"].as_str().expect("id").to_string();
    assert_eq!(api.history(None, "").await.body["history"]["code"], 221);
    let by_id = api.call(Method::GET, &format!("/history/{id}"), None, None).await;
    assert_eq!(by_id.status, StatusCode::OK, "history by id has no lag");
    let appeared = eventually(Duration::from_secs(3), || async {
        api.history(None, "").await.status == StatusCode::OK
    })
    .await;
    assert!(appeared, "post never appeared in history");
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(api.history(None, "").await.body["history"][0]["id"], id.as_str());
}

#[tokio::test]
async fn rate_limit_returns_429_with_headers() {
    let config = SimConfig { rate_limit: "3/60".parse().expect("spec"), ..SimConfig::default() };
    let api = Api::start(config).await;
    for expected in 1..=3 {
        let answer = api.call(Method::GET, "/user", None, None).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.header("x-ratelimit-max"), "3");
        assert_eq!(answer.header("x-ratelimit-count"), expected.to_string());
    }
    let limited = api.call(Method::GET, "/user", None, None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        limited.body,
        json!({"action": "ratelimit", "status": "error", "code": 429, "message": "Rate limit exceeded"})
    );
    assert_eq!(limited.header("x-ratelimit-count"), "3", "rejected calls do not count");
    let other = api.call(Method::GET, "/user", Some("OTHER"), None).await;
    assert_eq!(other.status, StatusCode::OK, "limits are per profile");
    assert_eq!(other.header("x-ratelimit-count"), "1");
}

#[tokio::test]
async fn delete_unknown_is_404_code_114() {
    let api = Api::default().await;
    let answer =
        api.call(Method::DELETE, "/post", None, Some(json!({"id": "NoSuchPost0000000000"}))).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.body["code"], 114);
    assert_eq!(answer.body["action"], "delete");
    assert_eq!(answer.body["status"], "error");
}

#[tokio::test]
async fn deleted_post_leaves_default_history_and_second_delete_is_383() {
    let api = Api::default().await;
    let posted = api.post(None, json!({"post": "bye", "platforms": ["twitter", "facebook"]})).await;
    let id = posted.body["id"].as_str().expect("id").to_string();
    let deleted = api.call(Method::DELETE, "/post", None, Some(json!({"id": id}))).await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.body["status"], "success");
    assert_eq!(deleted.body["id"], id.as_str());
    assert_eq!(deleted.body["code"], 200);
    assert_eq!(deleted.body["twitter"]["action"], "delete");
    assert_eq!(deleted.body["twitter"]["id"], posted.body["postIds"][0]["id"]);
    assert_eq!(deleted.body["facebook"]["status"], "success");
    assert_eq!(api.history(None, "").await.body["history"]["code"], 221);
    let only_deleted = api.history(None, "?status=deleted").await;
    assert_eq!(only_deleted.body["history"][0]["status"], "deleted");
    let again = api.call(Method::DELETE, "/post", None, Some(json!({"id": id}))).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.body["code"], 383);
}

#[tokio::test]
async fn scheduled_post_sends_signed_webhook() {
    let api = Api::default().await;
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
    let api = Api::default().await;
    let (url, mut webhooks) = webhook_receiver().await;
    api.call(
        Method::POST,
        "/hook/webhook",
        Some("P1"),
        Some(json!({"action": "scheduled", "url": url})),
    )
    .await;
    api.post(
        Some("P1"),
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
    let api = Api::default().await;
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
async fn stats_count_requests_by_route_and_profile() {
    let api = Api::default().await;
    let posted = api.post(None, json!({"post": "count me", "platforms": ["twitter"]})).await;
    let id = posted.body["id"].as_str().expect("id").to_string();
    api.history(Some("K1"), "").await;
    api.history(Some("K1"), "").await;
    api.call(Method::GET, &format!("/history/{id}"), None, None).await;
    api.call(Method::DELETE, "/post", None, Some(json!({"id": id}))).await;
    let unauthorized =
        api.http.get(format!("{}/history", api.sim.base_url())).send().await.expect("sent");
    assert_eq!(unauthorized.status(), StatusCode::UNAUTHORIZED);

    let stats = api.sim.sim.stats();
    let count = |route: &str| stats.requests.get(route).copied().unwrap_or(0);
    assert_eq!(count("POST /api/post"), 1);
    assert_eq!(count("GET /api/history"), 3, "the 401 counts too");
    assert_eq!(count("GET /api/history/{id}"), 1);
    assert_eq!(count("DELETE /api/post"), 1);
    assert_eq!(stats.by_profile["K1"]["GET /api/history"], 2);
    assert_eq!(stats.by_profile["primary"]["GET /api/history"], 1);
    let served: Stats = serde_json::from_value(api.admin(Method::GET, "/stats", None).await.body)
        .expect("stats JSON");
    assert_eq!(served, stats, "/__sim calls are not counted");
}

#[tokio::test]
async fn error_rate_one_fails_without_side_effects() {
    let api = Api::start(SimConfig { error_rate: 1.0, ..SimConfig::default() }).await;
    let failed =
        api.post(None, json!({"post": "x", "platforms": ["twitter"], "idempotencyKey": "k"})).await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        failed.body,
        json!({"status": "error", "code": 500, "message": "Internal error (simulated)"})
    );
    assert!(failed.headers.contains_key("x-ratelimit-count"));
    let no_key =
        api.http.get(format!("{}/history", api.sim.base_url())).send().await.expect("sent");
    assert_eq!(no_key.status(), StatusCode::UNAUTHORIZED, "auth is checked first");

    api.sim.sim.update_config(|c| c.error_rate = 0.0);
    let history = api.history(None, "").await;
    assert_eq!(history.body["history"]["code"], 221, "nothing was posted");
    assert_eq!(history.header("x-ratelimit-count"), "1", "failed calls took no rate slot");
    let retried =
        api.post(None, json!({"post": "x", "platforms": ["twitter"], "idempotencyKey": "k"})).await;
    assert_eq!(retried.status, StatusCode::OK, "the idempotency key was not consumed");
}

#[tokio::test]
async fn config_endpoint_changes_knobs() {
    let api = Api::default().await;
    let initial = api.admin(Method::GET, "/config", None).await;
    assert_eq!(initial.body["rate_limit_max"], 300);
    assert_eq!(initial.body["api_key_set"], false);
    let patch = json!({"rate_limit_max": 1, "rate_limit_window_secs": 60, "fail_platforms": ["Facebook"], "history_lag_ms": 5});
    let changed = api.admin(Method::POST, "/config", Some(patch)).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(changed.body["rate_limit_max"], 1);
    assert_eq!(changed.body["fail_platforms"], json!(["facebook"]));
    assert_eq!(changed.body["history_lag_ms"], 5);
    assert_eq!(api.sim.sim.config().rate_limit.max, 1);

    let posted = api.post(None, json!({"post": "x", "platforms": ["facebook"]})).await;
    assert_eq!(posted.body["errors"][0]["code"], 156);
    assert_eq!(
        api.call(Method::GET, "/user", None, None).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    let bad =
        api.admin(Method::POST, "/config", Some(json!({"error_rate": 2.0, "latency_ms": 9}))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        api.admin(Method::GET, "/config", None).await.body["latency_ms"],
        0,
        "a bad patch changes nothing"
    );
    let unknown = api.admin(Method::POST, "/config", Some(json!({"nope": 1}))).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn missing_or_wrong_api_key_is_401_code_102() {
    let api = Api::start(SimConfig { api_key: Some("RIGHT".into()), ..SimConfig::default() }).await;
    let url = format!("{}/user", api.sim.base_url());
    let none = answer(api.http.get(&url).send().await.expect("sent")).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.body["code"], 102);
    assert_eq!(none.body["action"], "authorization");
    assert!(none.headers.contains_key("x-ratelimit-max"));
    let wrong = api.call(Method::GET, "/user", None, None).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "TEST-KEY is not RIGHT");
    let right = api.http.get(&url).bearer_auth("RIGHT").send().await.expect("sent");
    assert_eq!(right.status(), StatusCode::OK);
}

#[tokio::test]
async fn strict_profiles_reject_unknown_keys_with_403() {
    let api = Api::start(SimConfig { strict_profiles: true, ..SimConfig::default() }).await;
    let unknown = api.call(Method::GET, "/user", Some("NOT-A-KEY"), None).await;
    assert_eq!(unknown.status, StatusCode::FORBIDDEN);
    assert_eq!(unknown.body["action"], "authorization");
    assert_eq!(unknown.body["code"], 403);
    let created =
        api.call(Method::POST, "/profiles/profile", None, Some(json!({"title": "Known"}))).await;
    let key = created.body["profileKey"].as_str().expect("key").to_string();
    let known = api.call(Method::GET, "/user", Some(&key), None).await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(known.body["title"], "Known");
}

#[tokio::test]
async fn not_linked_platform_is_a_partial_failure_that_retry_repairs() {
    let api =
        Api::start(SimConfig { fail_platforms: vec!["instagram".into()], ..SimConfig::default() })
            .await;
    let posted =
        api.post(None, json!({"post": "mixed", "platforms": ["twitter", "instagram"]})).await;
    assert_eq!(posted.status, StatusCode::BAD_REQUEST);
    assert_eq!(posted.body["status"], "error");
    assert_eq!(posted.body["postIds"][0]["platform"], "twitter");
    let error = &posted.body["errors"][0];
    assert_eq!(
        (error["code"].as_i64(), error["platform"].as_str()),
        (Some(156), Some("instagram"))
    );
    assert!(error["message"].as_str().is_some_and(|m| m.contains("not linked")));
    let id = posted.body["id"].as_str().expect("record created with an id").to_string();

    let still_failing = api.call(Method::PUT, "/post/retry", None, Some(json!({"id": id}))).await;
    assert_eq!(still_failing.body["errors"][0]["code"], 156);
    api.sim.sim.update_config(|c| c.fail_platforms.clear());
    let repaired = api.call(Method::POST, "/post/retry", None, Some(json!({"id": id}))).await;
    assert_eq!(repaired.status, StatusCode::OK);
    assert_eq!(repaired.body["status"], "success");
    assert_eq!(
        repaired.body["postIds"][0]["id"], posted.body["postIds"][0]["id"],
        "twitter was not re-posted"
    );
    assert_eq!(repaired.body["postIds"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn same_text_twice_is_code_137_except_on_unchecked_networks() {
    let api = Api::default().await;
    api.post(None, json!({"post": "again", "platforms": ["twitter", "telegram"]})).await;
    let second =
        api.post(None, json!({"post": "again", "platforms": ["twitter", "telegram"]})).await;
    assert_eq!(second.status, StatusCode::BAD_REQUEST);
    assert_eq!(second.body["errors"].as_array().map(Vec::len), Some(1));
    assert_eq!(second.body["errors"][0]["code"], 137);
    assert_eq!(second.body["errors"][0]["platform"], "twitter");
    assert_eq!(second.body["postIds"][0]["platform"], "telegram");
    let other_profile =
        api.post(Some("P2"), json!({"post": "again", "platforms": ["twitter"]})).await;
    assert_eq!(other_profile.status, StatusCode::OK, "duplicates are per profile");
}

#[tokio::test]
async fn malformed_json_is_a_400_envelope_not_a_panic() {
    let api = Api::default().await;
    for path in ["/post", "/analytics/post", "/hook/webhook", "/profiles"] {
        let response = api
            .http
            .post(format!("{}{path}", api.sim.base_url()))
            .bearer_auth("k")
            .header("content-type", "application/json")
            .body("{\"post\": ")
            .send()
            .await
            .expect("sent");
        let answer = answer(response).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(answer.body["status"], "error", "{path}");
    }
}

#[tokio::test]
async fn missing_post_or_platforms_is_a_400() {
    let api = Api::default().await;
    for body in [
        json!({"platforms": ["twitter"]}),
        json!({"post": "x"}),
        json!({"post": "x", "platforms": ["myspace"]}),
    ] {
        let answer = api.post(None, body.clone()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(answer.body["message"].is_string(), "{body}");
    }
    assert_eq!(api.history(None, "").await.body["count"], 0);
}

#[tokio::test]
async fn history_filters_by_platform_type_status_and_limit() {
    let api = Api::default().await;
    api.post(None, json!({"post": "one", "platforms": ["twitter"], "notes": "n1", "mediaUrls": ["https://img.example/1.png"]})).await;
    api.post(None, json!({"post": "two", "platforms": ["facebook"]})).await;
    api.post(
        None,
        json!({"post": "three", "platforms": ["linkedin"], "scheduleDate": in_ms(3_600_000)}),
    )
    .await;

    let all = api.history(None, "").await;
    assert_eq!(all.body["count"], 3);
    assert_eq!(all.body["history"][0]["post"], "three", "newest first");
    assert!(all.body["lastUpdated"].is_string() && all.body["nextUpdate"].is_string());
    let one = &all.body["history"][2];
    assert_eq!(
        (one["notes"].as_str(), one["mediaUrls"][0].as_str()),
        (Some("n1"), Some("https://img.example/1.png"))
    );
    assert!(one["scheduleDate"]["_seconds"].is_i64() && one["scheduleDate"]["utc"].is_string());
    assert!(one["created"].is_string());

    assert_eq!(api.history(None, "?limit=2").await.body["count"], 2);
    assert_eq!(api.history(None, "?lastRecords=1").await.body["count"], 1);
    assert_eq!(api.history(None, "?type=scheduled").await.body["history"][0]["post"], "three");
    assert_eq!(api.history(None, "?type=immediate").await.body["count"], 2);
    assert_eq!(api.history(None, "?status=pending").await.body["count"], 1);
    assert_eq!(api.history(None, "?platforms=twitter,facebook").await.body["count"], 2);
    assert_eq!(api.history(None, "?platforms=twitter&platforms=linkedin").await.body["count"], 2);
    assert_eq!(api.history(None, "?platforms%5B0%5D=facebook").await.body["count"], 1);
    assert_eq!(api.history(None, "?platforms=youtube").await.body["history"]["code"], 221);
    assert_eq!(api.history(None, "?lastDays=0").await.body["count"], 3);
    assert_eq!(api.history(Some("ELSEWHERE"), "").await.body["count"], 0, "history is per profile");
}

#[tokio::test]
async fn get_post_and_history_by_id_differ_only_in_date_form() {
    let api = Api::default().await;
    let posted = api.post(None, json!({"post": "find me", "platforms": ["twitter"]})).await;
    let id = posted.body["id"].as_str().expect("id").to_string();
    let from_post = api.call(Method::GET, &format!("/post/{id}"), None, None).await;
    assert_eq!(from_post.status, StatusCode::OK);
    assert!(from_post.body["scheduleDate"].is_string());
    assert_eq!(from_post.body["type"], "now");
    let from_history = api.call(Method::GET, &format!("/history/{id}"), None, None).await;
    assert!(from_history.body["scheduleDate"]["utc"].is_string());
    assert_eq!(from_history.body["postIds"], from_post.body["postIds"]);
    let unknown = api.call(Method::GET, "/post/NoSuchPost0000000000", None, None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body["code"], 186);
    let other_profile = api.call(Method::GET, &format!("/post/{id}"), Some("OTHER"), None).await;
    assert_eq!(other_profile.status, StatusCode::NOT_FOUND, "posts are per profile");
    let feed = api.call(Method::GET, "/history/twitter", None, None).await;
    assert_eq!(feed.body["posts"][0]["id"], posted.body["postIds"][0]["id"]);
}

#[tokio::test]
async fn profiles_are_created_listed_and_titles_are_unique() {
    let api = Api::default().await;
    let created = api.call(Method::POST, "/profiles", None, Some(json!({"title": "Acme"}))).await;
    assert_eq!(created.body["status"], "success");
    assert_eq!(created.body["title"], "Acme");
    assert!(created.body["profileKey"].is_string() && created.body["refId"].is_string());
    let duplicate =
        api.call(Method::POST, "/profiles/profile", None, Some(json!({"title": "Acme"}))).await;
    assert_eq!(duplicate.status, StatusCode::BAD_REQUEST);
    assert_eq!(duplicate.body["code"], 146);
    let listed = api.call(Method::GET, "/profiles", None, None).await;
    assert_eq!(listed.body["count"], 1);
    assert_eq!(listed.body["profiles"][0]["title"], "Acme");
    assert_eq!(listed.body["profiles"][0]["status"], "active");
    assert!(listed.body["profiles"][0].get("profileKey").is_none());
    assert_eq!(listed.body["pagination"]["hasMore"], false);
    let user = api.call(Method::GET, "/user", None, None).await;
    assert_eq!(user.body["title"], "Primary Profile");
}

#[tokio::test]
async fn analytics_returns_counters_per_platform_and_404_code_186_when_unknown() {
    let api = Api::default().await;
    let posted =
        api.post(None, json!({"post": "measure", "platforms": ["facebook", "instagram"]})).await;
    let id = posted.body["id"].as_str().expect("id").to_string();
    let stats = api
        .call(
            Method::POST,
            "/analytics/post",
            None,
            Some(json!({"id": id, "platforms": ["facebook"]})),
        )
        .await;
    assert_eq!(stats.status, StatusCode::OK);
    assert_eq!(stats.body["id"], id.as_str());
    assert!(stats.body["facebook"]["analytics"]["likeCount"].is_u64());
    assert!(stats.body["facebook"]["postUrl"].is_string());
    assert!(stats.body.get("instagram").is_none(), "only the platforms asked for");
    let again = api.call(Method::POST, "/analytics/post", None, Some(json!({"id": id}))).await;
    assert_eq!(again.body["facebook"]["analytics"], stats.body["facebook"]["analytics"]);
    let unknown =
        api.call(Method::POST, "/analytics/post", None, Some(json!({"id": "nope"}))).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        (unknown.body["code"].as_i64(), unknown.body["action"].as_str()),
        (Some(186), Some("analytics"))
    );
}

#[tokio::test]
async fn approval_and_updates_go_through_patch_and_put() {
    let api = Api::default().await;
    let held = api
        .post(
            None,
            json!({"post": "approve me", "platforms": ["twitter"], "requiresApproval": true}),
        )
        .await;
    assert_eq!(held.body["status"], "awaiting approval");
    let id = held.body["id"].as_str().expect("id").to_string();
    let noted =
        api.call(Method::PUT, "/post", None, Some(json!({"id": id, "notes": "checked"}))).await;
    assert_eq!(noted.body, json!({"status": "success", "id": id}));
    let approved =
        api.call(Method::PATCH, "/post", None, Some(json!({"id": id, "approved": true}))).await;
    assert_eq!(approved.status, StatusCode::OK);
    let post = api.call(Method::GET, &format!("/post/{id}"), None, None).await;
    assert_eq!(post.body["status"], "success", "approved without a date publishes now");
    assert_eq!(post.body["notes"], "checked");
    let unknown =
        api.call(Method::PATCH, "/post", None, Some(json!({"id": "nope", "approved": true}))).await;
    assert_eq!((unknown.status, unknown.body["code"].as_i64()), (StatusCode::NOT_FOUND, Some(114)));
}

#[tokio::test]
async fn rescheduling_to_the_past_publishes_at_once() {
    let api = Api::default().await;
    let scheduled = api
        .post(
            None,
            json!({"post": "soon", "platforms": ["twitter"], "scheduleDate": in_ms(3_600_000)}),
        )
        .await;
    let id = scheduled.body["id"].as_str().expect("id").to_string();
    let paused = api
        .call(Method::PATCH, "/post", None, Some(json!({"id": id, "scheduledPause": true})))
        .await;
    assert_eq!(paused.status, StatusCode::OK);
    assert_eq!(
        api.call(Method::GET, &format!("/post/{id}"), None, None).await.body["status"],
        "paused"
    );
    api.call(
        Method::PATCH,
        "/post",
        None,
        Some(json!({"id": id, "scheduledPause": false, "scheduleDate": in_ms(-1000)})),
    )
    .await;
    let published = eventually(Duration::from_secs(3), || async {
        api.call(Method::GET, &format!("/post/{id}"), None, None).await.body["status"] == "success"
    })
    .await;
    assert!(published, "the publisher sends a post whose new date has passed");
}

#[tokio::test]
async fn webhooks_are_registered_listed_and_removed_per_profile() {
    let api = Api::default().await;
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
        .call(Method::GET, "/hook/webhook", Some("P"), None)
        .await
        .body
        .get("social")
        .is_none());
    api.call(Method::DELETE, "/hook/webhook", None, Some(json!({"action": "social"}))).await;
    assert!(api.call(Method::GET, "/hook/webhook", None, None).await.body.get("social").is_none());
}

#[tokio::test]
async fn latency_delays_api_calls_but_not_admin_routes() {
    let api =
        Api::start(SimConfig { latency: Duration::from_millis(150), ..SimConfig::default() }).await;
    let started = Instant::now();
    api.call(Method::GET, "/user", None, None).await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    let started = Instant::now();
    api.admin(Method::GET, "/stats", None).await;
    assert!(started.elapsed() < Duration::from_millis(150));
}

#[tokio::test]
async fn reset_forgets_posts_counters_and_keys() {
    let api = Api::default().await;
    api.post(None, json!({"post": "x", "platforms": ["twitter"], "idempotencyKey": "k"})).await;
    assert_eq!(api.admin(Method::POST, "/reset", None).await.status, StatusCode::OK);
    assert_eq!(api.sim.sim.stats(), Stats::default());
    assert_eq!(api.history(None, "").await.body["count"], 0);
    let reposted =
        api.post(None, json!({"post": "x", "platforms": ["twitter"], "idempotencyKey": "k"})).await;
    assert_eq!(reposted.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_route_is_a_json_404() {
    let api = Api::default().await;
    let answer = api.call(Method::GET, "/nope", None, None).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.body["status"], "error");
    let wrong_method = api.call(Method::GET, "/analytics/post", None, None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.header("content-type"), "application/json; charset=utf-8");
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let api = Api::default().await;
    let url = api.sim.base_url();
    api.sim.shutdown().await;
    assert!(api.http.get(format!("{url}/user")).bearer_auth("k").send().await.is_err());
}
