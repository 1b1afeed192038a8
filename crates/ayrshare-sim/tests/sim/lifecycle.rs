//! A post after it was created: delete, approve and update, reschedule, and its
//! analytics.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{eventually, in_ms, Api};

#[tokio::test]
async fn delete_unknown_is_404_code_114() {
    let api = Api::ready().await;
    let answer =
        api.call(Method::DELETE, "/post", None, Some(json!({"id": "NoSuchPost0000000000"}))).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.body["code"], 114);
    assert_eq!(answer.body["action"], "delete");
    assert_eq!(answer.body["status"], "error");
}

#[tokio::test]
async fn deleted_post_leaves_default_history_and_second_delete_is_383() {
    let api = Api::ready().await;
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
async fn approval_and_updates_go_through_patch_and_put() {
    let api = Api::ready().await;
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
    let api = Api::ready().await;
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
async fn analytics_returns_counters_per_platform_and_404_code_186_when_unknown() {
    let api = Api::ready().await;
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
