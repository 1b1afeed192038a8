//! The outside attack review's low-severity findings (`security.md`, second round) and
//! the checks that go with them, one test each, as in [`super::hardening`]: webhook
//! replay, NUL characters and media URLs, weak secrets, headers.

use super::hardening::sim;
use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

// ---- L1: webhook replay ----------------------------------------------------------------

async fn send_hook(app: &TestApp, body: &str) -> Value {
    app.http
        .post(format!("{}/api/webhooks/ayrshare", app.url))
        .header(
            ayrshare_sim::WEBHOOK_SIGNATURE_HEADER,
            ayrshare_sim::sign_webhook(HOOK_SECRET, body.as_bytes()),
        )
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn published_post(app: &TestApp, name: &str) -> (String, String, Value) {
    let ws = app.create_workspace(name, false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let post = app
        .create_post(
            &ws,
            &editor,
            json!({"text": format!("{name} post"), "platforms": ["twitter"]}),
        )
        .await
        .expect(201);
    assert_eq!(post["status"], "published");
    (ws, editor, post)
}

#[tokio::test]
async fn l1_a_replayed_webhook_delivery_without_hook_id_is_applied_once() {
    let app = spawn_app().await;
    let (ws, editor, post) = published_post(&app, "replay").await;
    let body = json!({"action": "scheduled", "id": post["ayrshare_id"], "status": "success",
        "created": chrono::Utc::now().to_rfc3339(),
        "postIds": [{"platform": "twitter", "status": "success", "id": "77", "postUrl": "https://x.com/p/77"}]})
    .to_string();
    assert_eq!(send_hook(&app, &body).await["status"], "ok");
    let again = send_hook(&app, &body).await;
    assert_eq!(again["status"], "duplicate", "{again}");
    let detail = app.get_post(&ws, post["id"].as_str().unwrap(), &editor).await;
    let hooks = detail["events"].as_array().unwrap().iter().filter(|e| e["action"] == "webhook");
    assert_eq!(hooks.count(), 1);
}

#[tokio::test]
async fn l1_a_webhook_older_than_the_publish_never_moves_the_post_back() {
    let app = spawn_app().await;
    let (ws, editor, post) = published_post(&app, "older").await;
    let captured = chrono::Utc::now() - chrono::Duration::minutes(30);
    let body = json!({"action": "scheduled", "id": post["ayrshare_id"], "status": "error",
        "created": captured.to_rfc3339(),
        "errors": [{"platform": "twitter", "code": 500, "message": "temporary error"}]})
    .to_string();
    send_hook(&app, &body).await;
    let detail = app.get_post(&ws, post["id"].as_str().unwrap(), &editor).await;
    assert_eq!(detail["status"], "published", "an old delivery moved the post back");
    assert_eq!(detail["version"], post["version"]);
}

// ---- L2: NUL bytes and media URLs -------------------------------------------------------

async fn nul_is_refused(app: &TestApp) {
    let nul = "a\u{0}b";
    app.call(
        Method::POST,
        "/api/workspaces",
        Some(ADMIN),
        Some(json!({"name": nul, "ayrshare_profile_key": "PROFILE-nul-0123456789abcdef"})),
    )
    .await
    .expect_error(422, "invalid_field");
    let ws = app.create_workspace("nul", true, "expire").await;
    let tokens = format!("/api/workspaces/{ws}/tokens");
    app.call(Method::POST, &tokens, Some(ADMIN), Some(json!({"role": "viewer", "name": nul})))
        .await
        .expect_error(422, "invalid_field");
    let editor = app.token(&ws, "editor").await;
    app.create_post(&ws, &editor, json!({"text": nul, "platforms": ["twitter"]}))
        .await
        .expect_error(422, "invalid_field");
    let media =
        json!({"text": "ok", "platforms": ["twitter"], "media_urls": ["https://e.com/\u{0}x"]});
    app.create_post(&ws, &editor, media).await.expect_error(422, "invalid_field");
    let post = app
        .create_post(&ws, &editor, json!({"text": "fine", "platforms": ["twitter"]}))
        .await
        .expect(201);
    let approver = app.token(&ws, "approver").await;
    app.act(
        &ws,
        post["id"].as_str().unwrap(),
        "reject",
        &approver,
        json!({"version": 1, "comment": nul}),
    )
    .await
    .expect_error(422, "invalid_field");
    nul_is_refused_where_people_sign_in(app, &ws).await;
}

/// Found by the API fuzzer on PostgreSQL: a NUL in the e-mail of a sign-in reached the
/// database and came back as a 500. Every body and query string refuses it up front.
async fn nul_is_refused_where_people_sign_in(app: &TestApp, ws: &str) {
    let email = "a\u{0}b@example.com";
    let login = json!({"email": email, "password": "correct horse battery"});
    let err = app.call(Method::POST, "/api/auth/login", None, Some(login)).await;
    assert_eq!(err.expect_error(422, "invalid_field")["error"]["details"]["field"], "email");
    let invite = json!({"email": email, "role": "editor"});
    let invitations = format!("/api/workspaces/{ws}/invitations");
    app.call(Method::POST, &invitations, Some(ADMIN), Some(invite))
        .await
        .expect_error(422, "invalid_field");
    let accept = json!({"token": "x\u{0}y", "name": "n", "password": "correct horse battery"});
    app.call(Method::POST, "/api/invitations/accept", None, Some(accept))
        .await
        .expect_error(422, "invalid_field");
    let search = format!("/api/workspaces/{ws}/posts?q=a%00b");
    let err = app.call(Method::GET, &search, Some(ADMIN), None).await;
    assert_eq!(err.expect_error(422, "invalid_field")["error"]["details"]["field"], "q");
    let post = format!("/api/workspaces/{ws}/posts/a%00b");
    app.call(Method::GET, &post, Some(ADMIN), None).await.expect_error(404, "not_found");
    app.call(Method::GET, "/media/a%00b/c%00d", None, None).await.expect(404);
    let other = "/api/workspaces/a%00b/posts";
    app.call(Method::GET, other, Some(ADMIN), None).await.expect(404);
}

#[tokio::test]
async fn l2_nul_in_text_names_comments_and_media_is_422_on_sqlite() {
    nul_is_refused(&spawn_app().await).await;
}

#[tokio::test]
async fn l2_nul_in_text_names_comments_and_media_is_422_on_postgres() {
    let Some(url) =
        test_database_url("l2_nul_in_text_names_comments_and_media_is_422_on_postgres").await
    else {
        return;
    };
    nul_is_refused(&spawn_app_with(Options { database: Some(url), ..Options::default() }).await)
        .await;
}

#[tokio::test]
async fn l2_media_urls_are_stored_normalised() {
    let app = spawn_app().await;
    let ws = app.create_workspace("media-norm", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let raw = "https://E.com/a b\"><b id=x>";
    let post = app
        .create_post(
            &ws,
            &editor,
            json!({"text": "t", "platforms": ["twitter"], "media_urls": [raw]}),
        )
        .await
        .expect(201);
    assert_eq!(post["media_urls"][0], "https://e.com/a%20b%22%3E%3Cb%20id=x%3E");
}

// ---- L4: weak secrets --------------------------------------------------------------------

#[tokio::test]
async fn l4_secrets_under_24_characters_are_refused_at_start() {
    let sim = sim().await;
    for var in ["HERALD_ADMIN_TOKEN", "HERALD_CRON_SECRET", "AYRSHARE_WEBHOOK_SECRET"] {
        let mut herald = process::spawn(&sim.base_url(), &[(var, "short-secret".to_owned())]);
        let exit = tokio::time::timeout(Duration::from_secs(10), herald.child.wait()).await;
        let status = exit.unwrap_or_else(|_| panic!("herald started with a 12-character {var}"));
        assert!(!status.unwrap().success());
        let log = herald.log_text();
        assert!(log.contains(var) && log.contains("24"), "no clear message for {var}: {log}");
    }
}

// ---- Also: headers and the simulator's stats ---------------------------------------------

#[tokio::test]
async fn pages_and_api_answers_forbid_framing_and_name_their_referrer_policy() {
    let app = spawn_app().await;
    for path in ["/", "/api/workspaces"] {
        let res =
            app.http.get(format!("{}{path}", app.url)).bearer_auth(ADMIN).send().await.unwrap();
        let h = res.headers();
        assert_eq!(h.get("x-frame-options").map(|v| v.to_str().unwrap()), Some("DENY"), "{path}");
        assert!(h.get("referrer-policy").is_some(), "{path}");
        assert_eq!(
            h.get("x-content-type-options").map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn hsts_is_sent_when_the_public_url_is_https() {
    let sim = sim().await;
    let env = [("HERALD_PUBLIC_URL", "https://herald.example.com".to_owned())];
    let herald = process::start(&sim.base_url(), &env).await;
    let res = reqwest::get(format!("{}/healthz", herald.url)).await.unwrap();
    let hsts =
        res.headers().get("strict-transport-security").map(|v| v.to_str().unwrap().to_owned());
    assert!(hsts.is_some_and(|v| v.contains("max-age=")), "no HSTS behind an https public URL");
}

#[tokio::test]
async fn the_simulators_stats_never_show_a_whole_profile_key() {
    let app = spawn_app().await;
    let (_, _, _) = published_post(&app, "stats-key").await;
    let stats = reqwest::get(format!("{}/__sim/stats", app.sim.root_url())).await.unwrap();
    let text = stats.text().await.unwrap();
    assert!(!text.contains(&profile_key("stats-key")), "{text}");
}
