//! `POST /api/post`: the answer shapes (unwrapped, wrapped with a Profile-Key),
//! idempotency keys, per-network failures and duplicates, and what a post must contain.

use ayrshare_sim::{SimConfig, IDEMPOTENCY_REUSED_CODE};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::Api;

#[tokio::test]
async fn immediate_post_is_unwrapped_with_one_post_id_per_platform() {
    let api = Api::ready().await;
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
    let api = Api::ready().await;
    let key = api.profile("Good Fun").await;
    let created = api.call(Method::GET, "/profiles?title=Good%20Fun", None, None).await;
    let answer =
        api.post(Some(&key), json!({"post": "I love to post", "platforms": ["facebook"]})).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["status"], "success");
    let inner = &answer.body["posts"][0];
    assert_eq!(inner["profileTitle"], "Good Fun");
    assert_eq!(inner["refId"], created.body["profiles"][0]["refId"]);
    assert_eq!(inner["postIds"][0]["platform"], "facebook");
    assert!(answer.body.get("id").is_none(), "the post sits inside posts[]");
}

#[tokio::test]
async fn reused_idempotency_key_is_rejected_without_posting() {
    let api = Api::ready().await;
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
    let other = api.profile("Other").await;
    let other_profile = api.post(Some(&other), body).await;
    assert_eq!(other_profile.status, StatusCode::OK, "keys are per profile");
}

#[tokio::test]
async fn not_linked_platform_is_a_partial_failure_that_retry_repairs() {
    let config = SimConfig { fail_platforms: vec!["instagram".into()], ..SimConfig::default() };
    let api = Api::ready_with(config).await;
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
    let api = Api::ready().await;
    api.post(None, json!({"post": "again", "platforms": ["twitter", "telegram"]})).await;
    let second =
        api.post(None, json!({"post": "again", "platforms": ["twitter", "telegram"]})).await;
    assert_eq!(second.status, StatusCode::BAD_REQUEST);
    assert_eq!(second.body["errors"].as_array().map(Vec::len), Some(1));
    assert_eq!(second.body["errors"][0]["code"], 137);
    assert_eq!(second.body["errors"][0]["platform"], "twitter");
    assert_eq!(second.body["postIds"][0]["platform"], "telegram");
    let p2 = api.profile("P2").await;
    let other_profile =
        api.post(Some(&p2), json!({"post": "again", "platforms": ["twitter"]})).await;
    assert_eq!(other_profile.status, StatusCode::OK, "duplicates are per profile");
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
