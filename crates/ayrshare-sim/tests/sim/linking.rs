//! Linking networks: the JWT's linking page and its buttons, the `social` webhook,
//! the in-process helpers, and what strictness does to posts on unlinked networks.

use std::time::Duration;

use ayrshare::webhook;
use ayrshare::Platform;
use ayrshare_sim::{SimConfig, UnknownProfile};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::time::timeout;

use crate::support::{webhook_receiver, Api};

#[tokio::test]
async fn the_jwt_linking_page_links_a_network_and_sends_a_signed_social_webhook() {
    let api = Api::default().await;
    let key = api.sim.sim.create_profile("Linkable");
    let (url, mut hooks) = webhook_receiver().await;
    let hook = json!({"action": "social", "url": url, "secret": "s3cret"});
    api.call(Method::POST, "/hook/webhook", Some(&key), Some(hook)).await;
    let jwt = api
        .call(
            Method::POST,
            "/profiles/generateJWT",
            None,
            Some(json!({"domain": "acme", "privateKey": "-----BEGIN", "profileKey": key})),
        )
        .await;
    assert_eq!(
        (jwt.body["title"].as_str(), jwt.body["expiresIn"].as_str()),
        (Some("Linkable"), Some("5m"))
    );
    let page_url = jwt.body["url"].as_str().expect("url").to_string();
    let page = api.http.get(&page_url).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("Linkable") && page.contains("value=\"linkedin\""), "{page}");
    let no_redirect =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build();
    let click = no_redirect
        .expect("client")
        .post(&page_url)
        .form(&[("platform", "linkedin"), ("linked", "true")]);
    assert_eq!(click.send().await.expect("click").status(), StatusCode::SEE_OTHER);

    let (headers, body) =
        timeout(Duration::from_secs(5), hooks.recv()).await.expect("in time").expect("hook");
    assert!(webhook::verify("s3cret", &headers, &body));
    let payload: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(
        (payload["type"].as_str(), payload["platform"].as_str()),
        (Some("link"), Some("linkedin"))
    );
    assert_eq!(payload["source"], "user");
    let user = api.call(Method::GET, "/user", Some(&key), None).await;
    assert_eq!(user.body["activeSocialAccounts"], json!(["linkedin"]));

    api.sim.sim.link(&key, &[Platform::LinkedIn], false).expect("known profile");
    let (_, body) =
        timeout(Duration::from_secs(5), hooks.recv()).await.expect("in time").expect("hook");
    assert_eq!(serde_json::from_slice::<Value>(&body).expect("JSON")["type"], "unlink");
}

#[tokio::test]
async fn an_unknown_linking_token_is_a_404_page_and_unknown_profiles_cannot_be_linked() {
    let api = Api::default().await;
    let page = api.http.get(format!("{}/__sim/link/nope", api.sim.root_url())).send().await;
    assert_eq!(page.expect("sent").status(), StatusCode::NOT_FOUND);
    assert_eq!(api.sim.sim.link("NO-SUCH-KEY", &[Platform::Twitter], true), Err(UnknownProfile));
    let jwt = api
        .call(
            Method::POST,
            "/profiles/generateJWT",
            None,
            Some(json!({"domain": "acme", "privateKey": "k", "profileKey": "NO-SUCH-KEY"})),
        )
        .await;
    assert_eq!(jwt.status, StatusCode::FORBIDDEN);
    let missing = api
        .call(Method::POST, "/profiles/generateJWT", None, Some(json!({"domain": "acme"})))
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    let admin = json!({"profileKey": "NO-SUCH-KEY", "platforms": ["twitter"]});
    assert_eq!(
        api.admin(Method::POST, "/profiles/link", Some(admin)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_created_profile_posts_nowhere_until_networks_are_linked() {
    let api = Api::default().await;
    let key = api.sim.sim.create_profile("Empty");
    assert_eq!(api.sim.sim.create_profile("empty"), key, "titles are unique, so the same profile");
    let refused = api.post(Some(&key), json!({"post": "hello", "platforms": ["facebook"]})).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["posts"][0]["errors"][0]["code"], 156);
    api.sim.sim.link(&key, &[Platform::Facebook], true).expect("known profile");
    let posted =
        api.post(Some(&key), json!({"post": "hello again", "platforms": ["facebook"]})).await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
    let all = api.post(Some(&key), json!({"post": "to all", "platforms": ["all"]})).await;
    let platforms: Vec<&str> = all.body["posts"][0]["postIds"]
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(|p| p["platform"].as_str())
        .collect();
    assert_eq!(platforms, ["facebook"], "all means every linked network");
}

#[tokio::test]
async fn lenient_mode_keeps_the_kinder_behaviour() {
    let api = Api::start(SimConfig { lenient: true, ..SimConfig::default() }).await;
    let body = json!({"post": "y".repeat(300), "platforms": ["twitter", "youtube"],
                      "scheduleDate": "2099-01-01T00:00:00Z"});
    let scheduled = api.post(Some("ANY-KEY"), body).await;
    let unauthenticated_x = api.bare(Method::POST, "/post").header("Profile-Key", "ANY-KEY");
    let now =
        unauthenticated_x.json(&json!({"post": "now", "platforms": ["twitter"]})).send().await;
    assert_eq!(scheduled.status, StatusCode::OK, "{}", scheduled.body);
    assert_eq!(now.expect("sent").status(), StatusCode::OK, "no X credentials needed");
    let user = api.call(Method::GET, "/user", Some("ANY-KEY"), None).await;
    assert_eq!(user.body["activeSocialAccounts"].as_array().map(Vec::len), Some(13));
}

#[tokio::test]
async fn updating_or_retrying_an_x_post_needs_x_credentials() {
    let api = Api::ready().await;
    let body = json!({"post": "to X later", "platforms": ["twitter"], "scheduleDate": "2099-01-01T00:00:00Z"});
    let id = api.post(None, body).await.body["id"].as_str().expect("id").to_string();
    let update =
        api.bare(Method::PATCH, "/post").json(&json!({"id": id, "notes": "n"})).send().await;
    assert_eq!(crate::support::answer(update.expect("sent")).await.body["code"], 419);
    let retry = api.bare(Method::PUT, "/post/retry").json(&json!({"id": id})).send().await;
    assert_eq!(crate::support::answer(retry.expect("sent")).await.body["code"], 419);
    let wrong_method = api.bare(Method::GET, "/analytics/social").send().await.expect("sent");
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(wrong_method.headers().contains_key("x-ratelimit-count"), "405s pass the gate too");
}
