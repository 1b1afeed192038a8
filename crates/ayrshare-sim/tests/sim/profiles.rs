//! User profiles: creation, listing, unique titles and `GET /api/user`.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::Api;

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
