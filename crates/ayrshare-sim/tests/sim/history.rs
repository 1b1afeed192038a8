//! `GET /api/history` and `/history/{id}`: the empty-history error, the upstream lag,
//! filters, and the by-id and per-network forms.

use std::time::Duration;

use ayrshare_sim::SimConfig;
use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::time::Instant;

use crate::support::{eventually, in_ms, Api};

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
async fn post_appears_in_history_only_after_the_lag() {
    let config = SimConfig { history_lag: Duration::from_millis(200), ..SimConfig::default() };
    let api = Api::ready_with(config).await;
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
async fn history_filters_by_platform_type_status_and_limit() {
    let api = Api::ready().await;
    let elsewhere = api.profile("Elsewhere").await;
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
    assert_eq!(api.history(Some(&elsewhere), "").await.body["count"], 0, "history is per profile");
}

#[tokio::test]
async fn get_post_and_history_by_id_differ_only_in_date_form() {
    let api = Api::ready().await;
    let other = api.profile("Other").await;
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
    let other_profile = api.call(Method::GET, &format!("/post/{id}"), Some(&other), None).await;
    assert_eq!(other_profile.status, StatusCode::NOT_FOUND, "posts are per profile");
    let feed = api.call(Method::GET, "/history/twitter", None, None).await;
    assert_eq!(feed.body["posts"][0]["id"], posted.body["postIds"][0]["id"]);
}
