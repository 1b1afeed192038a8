//! Ayrshare for real (API.md "Ayrshare, for real"), against the strict simulator: X
//! credentials, profiles Herald creates, linked accounts and the linking page, network
//! caps, and publishing within the profile's budget.

use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

fn x_calls(app: &TestApp) -> Vec<Option<String>> {
    let calls = app.sim.recorder.calls();
    calls.iter().filter(|c| c.route == "POST /api/post").map(|c| c.x_api_key.clone()).collect()
}

#[tokio::test]
async fn an_x_post_carries_x_credentials_and_is_published() {
    let app = spawn_app().await;
    let ws = app.create_workspace("x-global", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let view = app.call(Method::GET, &format!("/api/workspaces/{ws}"), Some(ADMIN), None).await;
    assert_eq!(view.expect(200)["x_credentials"], "global");
    let post = app
        .create_post(&ws, &editor, json!({"text": "hello X", "platforms": ["twitter"]}))
        .await
        .expect(201);
    assert_eq!(post["status"], "published", "{post}");
    assert_eq!(x_calls(&app), [Some(X_KEY.to_owned())]);
}

#[tokio::test]
async fn without_x_credentials_an_x_post_is_422_at_create_and_a_workspaces_own_are_sent_and_never_shown(
) {
    let app = spawn_app_with(Options { global_x: false, ..Options::default() }).await;
    let ws = app.create_workspace("x-own", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let x_post = || json!({"text": "hello X", "platforms": ["twitter", "linkedin"]});
    let refused = app.create_post(&ws, &editor, x_post()).await;
    let body = refused.expect_error(422, "x_credentials_required");
    assert_eq!(body["error"]["details"]["platform"], "twitter");
    assert!(app.all_posts(&ws).await.is_empty(), "nothing written");
    assert!(x_calls(&app).is_empty(), "nothing sent to Ayrshare");

    let path = format!("/api/workspaces/{ws}");
    let half = json!({"x_api_key": "own-x-key-0123456789"});
    app.call(Method::PATCH, &path, Some(ADMIN), Some(half))
        .await
        .expect_error(422, "invalid_field");
    let both =
        json!({"x_api_key": "own-x-key-0123456789", "x_api_secret": "own-x-secret-0123456789"});
    let view = app.call(Method::PATCH, &path, Some(ADMIN), Some(both)).await.expect(200);
    assert_eq!(view["x_credentials"], "workspace");
    assert!(!view.to_string().contains("own-x-"), "write-only: {view}");
    let post = app.create_post(&ws, &editor, x_post()).await.expect(201);
    assert_eq!(post["status"], "published", "{post}");
    assert_eq!(x_calls(&app), [Some("own-x-key-0123456789".to_owned())]);

    let clear = json!({"x_api_key": "", "x_api_secret": ""});
    let view = app.call(Method::PATCH, &path, Some(ADMIN), Some(clear)).await.expect(200);
    assert_eq!(view["x_credentials"], "missing");
}

#[tokio::test]
async fn a_workspace_created_without_a_profile_key_gets_its_own_ayrshare_profile() {
    let app = spawn_app().await;
    let body = json!({"name": "Fresh Start", "requires_approval": false});
    let ws = app.call(Method::POST, "/api/workspaces", Some(ADMIN), Some(body)).await.expect(201);
    let filter = ayrshare::ProfileFilter { title: Some("Fresh Start".into()), ref_id: None };
    let profiles = app.sim_client().profiles(&filter).await.unwrap();
    assert_eq!(profiles.body.len(), 1, "one Ayrshare profile titled as the workspace");
    let key = app.sim.sim.create_profile("Fresh Start"); // the existing profile's key
    assert!(ws["profile_key_hint"].as_str().unwrap().starts_with(&key[..8]), "{ws}");
    let again = json!({"name": "Fresh Start"});
    app.call(Method::POST, "/api/workspaces", Some(ADMIN), Some(again))
        .await
        .expect_error(409, "conflict");
    let after = app.sim_client().profiles(&filter).await.unwrap();
    assert_eq!(after.body.len(), 1, "a taken name creates no second profile");
}

#[tokio::test]
async fn accounts_come_from_ayrshare_and_an_unlinked_network_is_refused_at_create_and_submit() {
    let app = spawn_app().await;
    let ws = app.create_workspace("linked", true, "expire").await;
    let key = profile_key("linked");
    app.sim.sim.link(&key, &[ayrshare::Platform::Gmb], false).unwrap();
    let accounts = app.linked_accounts(&ws).await;
    assert_eq!(accounts["upstream"], "fresh");
    assert!(accounts["as_of"].is_string());
    let platforms: Vec<&str> = accounts["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["platform"].as_str().unwrap())
        .collect();
    assert!(platforms.contains(&"twitter") && !platforms.contains(&"gmb"), "{platforms:?}");
    let editor = app.token(&ws, "editor").await;
    let gmb = json!({"text": "opening hours", "platforms": ["gmb", "twitter"]});
    let refused =
        app.create_post(&ws, &editor, gmb.clone()).await.expect_error(422, "platform_not_linked");
    assert_eq!(refused["error"]["details"]["platforms"], json!(["gmb"]));
    assert!(
        refused["error"]["message"].as_str().unwrap().starts_with("Google Business"),
        "{refused}"
    );
    // A draft may name it; submitting it is refused the same way.
    let draft = app
        .create_post(&ws, &editor, json!({"text": "later", "platforms": ["gmb"], "submit": false}))
        .await
        .expect(201);
    let id = draft["id"].as_str().unwrap();
    app.act(&ws, id, "submit", &editor, json!({"version": draft["version"]}))
        .await
        .expect_error(422, "platform_not_linked");

    // Linking it on Ayrshare's page sends a `social` webhook: Herald sees it at once.
    app.sim.sim.link(&key, &[ayrshare::Platform::Gmb], true).unwrap();
    let hook = json!({"action": "social", "type": "link", "platform": "gmb", "hookId": "social-1",
        "created": chrono::Utc::now().to_rfc3339()})
    .to_string();
    let res = app
        .http
        .post(format!("{}/api/webhooks/ayrshare", app.url))
        .header(
            ayrshare_sim::WEBHOOK_SIGNATURE_HEADER,
            ayrshare_sim::sign_webhook(HOOK_SECRET, hook.as_bytes()),
        )
        .header("content-type", "application/json")
        .body(hook)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    app.act(&ws, id, "submit", &editor, json!({"version": draft["version"]})).await.expect(200);
}

/// UX review 3: "I linked them: refresh the list" did nothing (the accounts appeared after
/// 124 s and 12 reloads). Seen failing before `refresh=true` existed.
#[tokio::test]
async fn a_refresh_asked_for_reads_the_linked_accounts_again_once_per_ten_seconds() {
    let app = spawn_app().await;
    let ws = app.create_workspace("refresh", true, "expire").await;
    let key = profile_key("refresh");
    app.sim.sim.link(&key, &[ayrshare::Platform::Gmb], false).unwrap();
    let reads = |app: &crate::support::TestApp| {
        app.sim_stats().requests.get("GET /api/user").copied().unwrap_or(0)
    };
    let platforms = |accounts: serde_json::Value| -> Vec<String> {
        let list = accounts["accounts"].as_array().unwrap().iter();
        list.map(|a| a["platform"].as_str().unwrap().to_owned()).collect()
    };
    assert!(!platforms(app.linked_accounts(&ws).await).contains(&"gmb".to_owned()));
    let before = reads(&app);
    app.sim.sim.link(&key, &[ayrshare::Platform::Gmb], true).unwrap();
    let viewer = app.token(&ws, "viewer").await;
    let path = format!("/api/workspaces/{ws}/accounts?refresh=true");
    let fresh = app.call(reqwest::Method::GET, &path, Some(&viewer), None).await.expect(200);
    assert!(platforms(fresh).contains(&"gmb".to_owned()), "the refresh reads Ayrshare again");
    assert_eq!(reads(&app), before + 1);
    for _ in 0..5 {
        app.call(reqwest::Method::GET, &path, Some(&viewer), None).await.expect(200);
    }
    assert_eq!(reads(&app), before + 1, "asking again within ten seconds costs nothing");
    let bad = format!("/api/workspaces/{ws}/accounts?refresh=maybe");
    app.call(reqwest::Method::GET, &bad, Some(&viewer), None)
        .await
        .expect_error(422, "invalid_field");
}

#[tokio::test]
async fn connect_answers_ayrshares_linking_page_or_409_when_linking_is_not_configured() {
    let app = spawn_app().await;
    let ws = app.create_workspace("connect", true, "expire").await;
    let path = format!("/api/workspaces/{ws}/connect");
    app.call(Method::POST, &path, Some(ADMIN), None).await.expect_error(409, "not_configured");
    let viewer = app.token(&ws, "viewer").await;
    app.call(Method::POST, &path, Some(&viewer), None).await.expect_error(403, "forbidden");
}

#[tokio::test]
async fn a_schedule_past_a_network_cap_is_422_network_cap() {
    let app = spawn_app().await;
    let ws = app.create_workspace("caps", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let day = (chrono::Utc::now() + chrono::Duration::days(3)).date_naive();
    let at = |hour: u32| day.and_hms_opt(hour, 0, 0).unwrap().and_utc().to_rfc3339();
    for i in 0..15 {
        let body = json!({"text": format!("clip {i}"), "platforms": ["tiktok"], "schedule_at": at(1 + i % 20)});
        app.create_post(&ws, &editor, body).await.expect(201);
    }
    let sixteenth = json!({"text": "one too many", "platforms": ["tiktok"], "schedule_at": at(22)});
    let refused = app.create_post(&ws, &editor, sixteenth).await.expect_error(422, "network_cap");
    assert_eq!(refused["error"]["details"]["platform"], "tiktok");
    let next_day =
        (day + chrono::Duration::days(1)).and_hms_opt(9, 0, 0).unwrap().and_utc().to_rfc3339();
    let body = json!({"text": "tomorrow then", "platforms": ["tiktok"], "schedule_at": next_day});
    app.create_post(&ws, &editor, body).await.expect(201);
}

#[tokio::test]
async fn publishing_beyond_the_budget_waits_labelled_instead_of_calling_ayrshare() {
    let budget = herald::coherence::gateway::Budget { calls: 6, period: Duration::from_secs(300) };
    let app = spawn_app_with(Options { budget: Some(budget), ..Options::default() }).await;
    let ws = app.create_workspace("paced", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let mut statuses: Vec<(String, Value)> = Vec::new();
    for i in 0..8 {
        let post = app
            .create_post(
                &ws,
                &editor,
                json!({"text": format!("now {i}"), "platforms": ["facebook"]}),
            )
            .await
            .expect(201);
        statuses.push((post["status"].as_str().unwrap().to_owned(), post["waiting_for"].clone()));
    }
    let calls = app.sim.recorder.calls();
    assert!(calls.len() <= 6, "{} Ayrshare calls; the budget is 6", calls.len());
    let waiting: Vec<&(String, Value)> =
        statuses.iter().filter(|(s, _)| s == "scheduled").collect();
    assert!(!waiting.is_empty(), "{statuses:?}");
    assert!(waiting.iter().all(|(_, w)| w == "ayrshare_limit"), "{statuses:?}");
    assert!(calls.iter().all(|c| c.status != Some(429)), "never past Ayrshare's limit");
}
