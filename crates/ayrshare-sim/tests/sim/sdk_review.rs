//! One test per mismatch the review with Ayrshare's Node SDK found
//! (the SDK review's "Most important mismatches"); each was written
//! before its fix and seen failing. Numbers in the docs are the review's.

use ayrshare_sim::SimConfig;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{answer, in_ms, Api};

/// 1. X calls need both X credential headers: none is code 419, one is code 400.
#[tokio::test]
async fn a_post_to_x_without_x_credentials_is_refused_with_code_419() {
    let api = Api::ready().await;
    let body = json!({"post": "to X", "platforms": ["twitter", "facebook"]});
    let none =
        answer(api.bare(Method::POST, "/post").json(&body).send().await.expect("sent")).await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
    assert_eq!(none.body["code"], 419);
    assert_eq!(none.body["action"], "x_credentials_required");
    let key_only = api
        .bare(Method::POST, "/post")
        .header("X-Twitter-OAuth1-Api-Key", "k")
        .json(&body)
        .send()
        .await
        .expect("sent");
    let key_only = answer(key_only).await;
    assert_eq!(
        (key_only.status, key_only.body["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(400))
    );
    assert!(key_only.body["message"]
        .as_str()
        .is_some_and(|m| m.contains("X-Twitter-OAuth1-Api-Secret")));
    assert_eq!(api.history(None, "").await.body["history"]["code"], 221, "nothing was stored");
    let with_both = api.post(None, body).await;
    assert_eq!(with_both.status, StatusCode::OK, "{}", with_both.body);
    let other = json!({"post": "not X", "platforms": ["facebook"]});
    let not_x =
        answer(api.bare(Method::POST, "/post").json(&other).send().await.expect("sent")).await;
    assert_eq!(not_x.status, StatusCode::OK, "only calls touching X need them");
}

/// 2. A tweet over 280 characters fails X with code 111; YouTube needs a title.
#[tokio::test]
async fn a_long_tweet_fails_x_with_code_111_and_youtube_needs_a_title() {
    let api = Api::ready().await;
    let long = "x".repeat(281);
    let answer = api
        .post(None, json!({"post": long, "platforms": ["twitter", "linkedin", "youtube"]}))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let codes: Vec<(String, i64)> = answer.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (e["platform"].as_str().unwrap_or("").to_string(), e["code"].as_i64().unwrap_or(0))
        })
        .collect();
    assert_eq!(codes[0], ("twitter".to_string(), 111));
    assert_eq!(codes[1].0, "youtube");
    assert_eq!(answer.body["postIds"][0]["platform"], "linkedin", "the others go out");
    let titled = api
        .post(
            None,
            json!({"post": "a video", "platforms": ["youtube"], "youTubeOptions": {"title": "T"}}),
        )
        .await;
    assert_eq!(titled.status, StatusCode::OK, "{}", titled.body);
}

/// 3. A scheduled post failing pre-validation is refused whole, and nothing is stored.
#[tokio::test]
async fn a_scheduled_post_that_fails_pre_validation_is_refused_and_not_stored() {
    let api = Api::ready().await;
    api.post(None, json!({"post": "said before", "platforms": ["facebook"]})).await;
    let later = in_ms(86_400_000);
    for body in [
        json!({"post": "said before", "platforms": ["facebook"], "scheduleDate": later}),
        json!({"post": "y".repeat(300), "platforms": ["twitter"], "scheduleDate": later}),
    ] {
        let refused = api.post(None, body.clone()).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(refused.body["status"], "error", "{body}");
        assert!(refused.body.get("id").is_none(), "nothing stored: {}", refused.body);
    }
    assert_eq!(api.history(None, "?status=pending").await.body["history"]["code"], 221);
}

/// 4. An unknown Profile-Key is an error, and no profile appears.
#[tokio::test]
async fn an_unknown_profile_key_is_refused_and_creates_no_profile() {
    let api = Api::ready().await;
    let answer =
        api.post(Some("BOGUS-KEY"), json!({"post": "hi", "platforms": ["facebook"]})).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.body["action"], "authorization");
    let listed = api.call(Method::GET, "/profiles", None, None).await;
    assert_eq!(listed.body["count"], 0);
}

/// 5. `profileKeys` in the body posts on each of those profiles, one answer each.
#[tokio::test]
async fn profile_keys_in_the_body_post_on_each_profile() {
    let api = Api::ready().await;
    let (a, b) = (api.profile("A").await, api.profile("B").await);
    let answer = api
        .post(None, json!({"post": "for both", "platforms": ["facebook"], "profileKeys": [a, b]}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let posts = answer.body["posts"].as_array().expect("wrapped per profile");
    let titles: Vec<&str> = posts.iter().filter_map(|p| p["profileTitle"].as_str()).collect();
    assert_eq!(titles, ["A", "B"]);
    assert_eq!(api.history(Some(&a), "").await.body["count"], 1);
    assert_eq!(api.history(None, "").await.body["history"]["code"], 221, "not on the primary");
}

/// 6. Instagram and TikTok posts cannot be deleted through the API.
#[tokio::test]
async fn instagram_and_tiktok_posts_stay_when_deleted() {
    let api = Api::ready().await;
    let posted = api
        .post(None, json!({"post": "stays", "platforms": ["instagram", "tiktok", "facebook"]}))
        .await;
    let id = posted.body["id"].as_str().expect("id").to_string();
    let deleted = api.call(Method::DELETE, "/post", None, Some(json!({"id": id}))).await;
    assert_eq!(deleted.body["facebook"]["status"], "success");
    for network in ["instagram", "tiktok"] {
        assert_eq!(deleted.body[network]["status"], "error", "{network}: {}", deleted.body);
        assert!(deleted.body[network]["message"].is_string());
    }
    let feed = api.call(Method::GET, "/history/instagram", None, None).await;
    assert_eq!(feed.body["posts"].as_array().map(Vec::len), Some(1), "still on Instagram");
}

/// 7. `GET /profiles` honours `title`/`refId` and says when it was updated.
#[tokio::test]
async fn get_profiles_filters_by_title_and_ref_id() {
    let api = Api::ready().await;
    api.profile("One").await;
    api.profile("Two").await;
    let one = api.call(Method::GET, "/profiles?title=One", None, None).await;
    assert_eq!(one.body["count"], 1);
    assert_eq!(one.body["profiles"][0]["title"], "One");
    assert!(one.body["lastUpdated"].is_string() && one.body["nextUpdate"].is_string());
    let ref_id = one.body["profiles"][0]["refId"].as_str().expect("refId").to_string();
    let by_ref = api.call(Method::GET, &format!("/profiles?refId={ref_id}"), None, None).await;
    assert_eq!(by_ref.body["profiles"][0]["title"], "One");
}

/// 8. Post analytics use each network's own metric names and nesting.
#[tokio::test]
async fn post_analytics_use_each_networks_metric_names() {
    let api = Api::ready().await;
    let platforms = ["twitter", "linkedin", "instagram", "facebook", "pinterest", "gmb"];
    let posted = api.post(None, json!({"post": "measure me", "platforms": platforms})).await;
    let id = posted.body["id"].as_str().expect("id").to_string();
    let stats = api.call(Method::POST, "/analytics/post", None, Some(json!({"id": id}))).await;
    let b = &stats.body;
    assert!(b["twitter"]["analytics"]["publicMetrics"]["impressionCount"].is_u64(), "{b}");
    assert!(b["twitter"]["analytics"]["organicMetrics"].is_object());
    assert!(b["linkedin"]["analytics"]["clickCount"].is_u64());
    assert!(b["instagram"]["analytics"]["reachCount"].is_u64());
    assert!(b["facebook"]["analytics"]["reactions"]["love"].is_u64());
    assert!(b["pinterest"]["analytics"]["pinClick"].is_u64());
    assert!(b.get("gmb").is_none(), "Google Business is not covered");
}

/// 9. The profile, linking, social-analytics and media routes the SDK calls exist.
#[tokio::test]
async fn the_profile_jwt_social_analytics_and_media_routes_exist() {
    let api = Api::ready().await;
    let key = api.profile("Doomed").await;
    let updated = api
        .call(
            Method::PUT,
            "/profiles/profile",
            None,
            Some(json!({"profileKey": key, "title": "Renamed"})),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    let jwt = api
        .call(
            Method::POST,
            "/profiles/generateJWT",
            None,
            Some(json!({"domain": "acme", "privateKey": "-----BEGIN", "profileKey": key})),
        )
        .await;
    assert!(jwt.body["url"].is_string() && jwt.body["token"].is_string(), "{}", jwt.body);
    let social = api
        .call(Method::POST, "/analytics/social", None, Some(json!({"platforms": ["twitter"]})))
        .await;
    assert!(social.body["twitter"]["analytics"]["followersCount"].is_u64(), "{}", social.body);
    let url = api
        .call(Method::GET, "/media/uploadUrl?fileName=a.png&contentType=image/png", None, None)
        .await;
    assert!(url.body["uploadUrl"].is_string(), "{}", url.body);
    let deleted =
        api.call(Method::DELETE, "/profiles/profile", None, Some(json!({"profileKey": key}))).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert!(deleted.body["refId"].is_string());
}

/// 9. Unknown routes check the key first, carry the rate-limit headers and are counted.
#[tokio::test]
async fn unknown_routes_check_the_key_first_and_are_counted() {
    let api = Api::start(SimConfig { api_key: Some("RIGHT".into()), ..SimConfig::default() }).await;
    let bad_key = api.call(Method::GET, "/comments/abc", None, None).await;
    assert_eq!(bad_key.status, StatusCode::UNAUTHORIZED);
    let good = api.http.get(format!("{}/comments/abc", api.sim.base_url())).bearer_auth("RIGHT");
    let good = answer(good.send().await.expect("sent")).await;
    assert_eq!(good.status, StatusCode::NOT_FOUND);
    assert_eq!(good.header("x-ratelimit-count"), "1", "it took a rate-limit slot");
    let stats = api.admin(Method::GET, "/stats", None).await.body;
    assert_eq!(stats["requests"]["GET /api/comments/abc"], 2, "{stats}");
    assert_eq!(stats["by_status"]["404"], 1, "{stats}");
    assert_eq!(stats["by_status"]["401"], 1, "{stats}");
}

/// 10. `/user` lists each linked account with its ids and URLs, and `ayrlinkUrl`.
#[tokio::test]
async fn user_details_list_linked_accounts_in_full() {
    let api = Api::default().await;
    let nothing = api.call(Method::GET, "/user", None, None).await;
    assert!(nothing.body.get("activeSocialAccounts").is_none(), "{}", nothing.body);
    api.link(None, &["twitter"], true).await;
    let user = api.call(Method::GET, "/user", None, None).await;
    assert_eq!(user.body["activeSocialAccounts"], json!(["twitter"]));
    let account = &user.body["displayNames"][0];
    for field in ["platform", "displayName", "id", "created", "profileUrl", "userImage", "username"]
    {
        assert!(account[field].is_string(), "{field}: {account}");
    }
    assert!(user.body["ayrlinkUrl"].is_string());
}

/// 10. TikTok answers `pending` (with `idShare`); Instagram reports its quota; an
/// unknown network in a mixed list is refused alone.
#[tokio::test]
async fn tiktok_is_pending_instagram_has_a_quota_and_unknown_networks_fail_alone() {
    let api = Api::ready().await;
    let answer =
        api.post(None, json!({"post": "mixed", "platforms": ["tiktok", "instagram", "fbg"]})).await;
    let ids = answer.body["postIds"].as_array().expect("postIds");
    let tiktok = ids.iter().find(|p| p["platform"] == "tiktok").expect("tiktok");
    assert_eq!(tiktok["id"], "pending");
    assert!(tiktok["idShare"].is_string());
    let instagram = ids.iter().find(|p| p["platform"] == "instagram").expect("instagram");
    assert_eq!(instagram["usedQuota"], 1);
    assert_eq!(answer.body["errors"][0]["platform"], "fbg");
}
