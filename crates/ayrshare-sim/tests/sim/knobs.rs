//! The simulator's knobs and own routes: rate limit, latency, error rate, strict
//! profiles, request counters, reset, `/__sim/config` and shutdown.

use std::time::Duration;

use ayrshare_sim::{SimConfig, Stats};
use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::time::Instant;

use crate::support::Api;

#[tokio::test]
async fn rate_limit_returns_429_with_headers() {
    let config = SimConfig { rate_limit: "3/60".parse().expect("spec"), ..SimConfig::default() };
    let api = Api::start(config).await;
    let other = api.sim.sim.create_profile("Other");
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
    let other = api.call(Method::GET, "/user", Some(&other), None).await;
    assert_eq!(other.status, StatusCode::OK, "limits are per profile");
    assert_eq!(other.header("x-ratelimit-count"), "1");
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
async fn error_rate_one_fails_without_side_effects() {
    let api = Api::ready_with(SimConfig { error_rate: 1.0, ..SimConfig::default() }).await;
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
async fn unknown_profile_keys_get_403_unless_lenient_without_strict_profiles() {
    let lenient = Api::start(SimConfig { lenient: true, ..SimConfig::default() }).await;
    let created = lenient.call(Method::GET, "/user", Some("NOT-A-KEY"), None).await;
    assert_eq!(created.status, StatusCode::OK, "lenient: the profile is created");
    lenient.sim.sim.update_config(|c| c.strict_profiles = true);
    let refused = lenient.call(Method::GET, "/user", Some("OTHER-KEY"), None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "lenient with strict_profiles");
    let api = Api::default().await;
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
async fn stats_count_requests_by_route_and_profile() {
    let api = Api::ready().await;
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
    assert_eq!(served.requests, stats.requests, "/__sim calls are not counted");
    let named: Vec<&String> = served.by_profile.keys().collect();
    assert_eq!(named.len(), 2, "{named:?}");
    assert!(named.iter().any(|k| k.starts_with("K1…#")), "served without the whole key: {named:?}");
}

#[tokio::test]
async fn reset_forgets_posts_counters_and_keys() {
    let api = Api::ready().await;
    api.post(None, json!({"post": "x", "platforms": ["twitter"], "idempotencyKey": "k"})).await;
    assert_eq!(api.admin(Method::POST, "/reset", None).await.status, StatusCode::OK);
    assert_eq!(api.sim.sim.stats(), Stats::default());
    assert_eq!(api.history(None, "").await.body["count"], 0);
    let reposted =
        api.post(None, json!({"post": "x", "platforms": ["twitter"], "idempotencyKey": "k"})).await;
    assert_eq!(reposted.status, StatusCode::OK);
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
async fn shutdown_stops_the_server() {
    let api = Api::default().await;
    let url = api.sim.base_url();
    api.sim.shutdown().await;
    assert!(api.http.get(format!("{url}/user")).bearer_auth("k").send().await.is_err());
}
