//! Analytics (API.md "Analytics", G8): a publish and a verified webhook schedule a
//! post's first refresh; one Ayrshare call reads all of a post's networks; figures are
//! answered with their `as_of`, which never moves backwards; Ayrshare down or the budget
//! spent → the last figures, labelled `cached` with their time; bad ranges are 422; one
//! post's figures (the post page's) are its own.

use crate::support::*;
use chrono::{DateTime, Duration, Utc};
use herald::coherence::gateway::Budget;
use reqwest::Method;
use serde_json::{json, Value};

const ANALYTICS_CALLS: &str = "POST /api/analytics/post";

fn analytics_calls(app: &TestApp) -> u64 {
    app.sim_stats().requests.get(ANALYTICS_CALLS).copied().unwrap_or(0)
}

async fn published(app: &TestApp, name: &str, platforms: &[&str]) -> (String, String, Value) {
    let ws = app.create_workspace(name, false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let body = json!({"text": format!("{name} launch"), "platforms": platforms});
    let post = app.create_post(&ws, &editor, body).await.expect(201);
    assert_eq!(post["status"], "published", "{post}");
    (ws, editor, post)
}

async fn read(app: &TestApp, ws: &str, token: &str, query: &str) -> Reply {
    app.call(Method::GET, &format!("/api/workspaces/{ws}/analytics{query}"), Some(token), None)
        .await
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()).expect("a time").to_utc()
}

#[tokio::test]
async fn a_publish_schedules_the_first_refresh_and_one_call_reads_all_its_networks() {
    let app = spawn_app().await;
    let (ws, editor, post) = published(&app, "first-read", &["twitter", "linkedin"]).await;
    let before = read(&app, &ws, &editor, "").await.expect(200);
    assert_eq!(before["posts"], json!([]), "no figures before the first read");
    assert!(before["as_of"].is_null());

    let report = app.analytics.refresh_once().await.unwrap();
    assert_eq!((report.calls, report.refreshed), (1, 2), "{report:?}");
    assert_eq!(analytics_calls(&app), 1);
    let got = read(&app, &ws, &editor, "").await.expect(200);
    assert_eq!(got["upstream"], "fresh", "{got}");
    assert_eq!(got["totals"]["posts"], 1, "a post on two networks counts once");
    let rows = got["posts"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert_eq!(row["post_id"], post["id"]);
        assert!(row["metrics"]["likes"].is_number() && !row["as_of"].is_null(), "{row}");
        assert!(row["metrics"].get("views").is_none(), "a metric the network lacks is absent");
    }
    assert!(
        got["by_platform"]["twitter"]["posts"] == 1 && got["by_platform"]["linkedin"]["posts"] == 1
    );
    let today = Utc::now().format("%Y-%m-%d").to_string();
    let day = got["by_day"].as_array().unwrap().iter().find(|d| d["date"] == today.as_str());
    assert_eq!(day.expect("today in by_day")["posts"], 1);
    assert!(
        app.analytics.refresh_once().await.unwrap().calls == 0,
        "nothing due until the policy says"
    );
}

#[tokio::test]
async fn a_posts_own_figures_are_answered_per_network_with_their_as_of() {
    let app = spawn_app().await;
    let (ws, editor, post) = published(&app, "post-figures", &["twitter", "linkedin"]).await;
    let path = format!("/api/workspaces/{ws}/posts/{}/analytics", post["id"].as_str().unwrap());
    let before = app.call(Method::GET, &path, Some(&editor), None).await.expect(200);
    assert!(before["figures"] == json!([]) && before["as_of"].is_null(), "{before}");

    app.analytics.refresh_once().await.unwrap();
    let viewer = app.token(&ws, "viewer").await;
    let got = app.call(Method::GET, &path, Some(&viewer), None).await.expect(200);
    assert_eq!((&got["post_id"], &got["upstream"]), (&post["id"], &json!("fresh")), "{got}");
    let figures = got["figures"].as_array().unwrap();
    let networks: Vec<&str> = figures.iter().map(|f| f["platform"].as_str().unwrap()).collect();
    assert_eq!(networks, ["linkedin", "twitter"]);
    let likes: f64 = figures.iter().map(|f| f["metrics"]["likes"].as_f64().unwrap()).sum();
    assert_eq!(got["totals"]["likes"].as_f64(), Some(likes));
    assert!(figures.iter().all(|f| time(&f["as_of"]) <= Utc::now()));

    let (other, other_editor, _) = published(&app, "post-figures-2", &["twitter"]).await;
    let elsewhere =
        format!("/api/workspaces/{other}/posts/{}/analytics", post["id"].as_str().unwrap());
    app.call(Method::GET, &elsewhere, Some(&other_editor), None)
        .await
        .expect_error(404, "not_found");
    let unknown = format!("/api/workspaces/{ws}/posts/no-such-post/analytics");
    app.call(Method::GET, &unknown, Some(&editor), None).await.expect_error(404, "not_found");
}

#[tokio::test]
async fn a_verified_webhook_schedules_a_refresh_of_that_post() {
    let app = spawn_app().await;
    let (ws, editor, post) = published(&app, "hooked", &["twitter"]).await;
    app.analytics.refresh_once().await.unwrap();
    assert_eq!(app.analytics.refresh_once().await.unwrap().calls, 0);
    let body = json!({"action": "scheduled", "subAction": "tikTokPublished", "id": post["ayrshare_id"],
        "hookId": "hook-analytics", "status": "success",
        "postIds": [{"platform": "twitter", "status": "success", "id": 42, "postUrl": "https://x.com/p/42"}]})
    .to_string();
    let res = app
        .http
        .post(format!("{}/api/webhooks/ayrshare", app.url))
        .header(
            ayrshare_sim::WEBHOOK_SIGNATURE_HEADER,
            ayrshare_sim::sign_webhook(HOOK_SECRET, body.as_bytes()),
        )
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.analytics.refresh_once().await.unwrap().calls, 1, "the webhook made it due");
    assert_eq!(
        read(&app, &ws, &editor, "").await.expect(200)["posts"].as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_figures_as_of_never_moves_backwards() {
    let app = spawn_app().await;
    let (ws, editor, _) = published(&app, "monotonic", &["twitter"]).await;
    // A refresher whose clock is ahead reads first ...
    let ahead = Utc::now() + Duration::minutes(30);
    assert_eq!(app.analytics.refresh_due_at(ahead).await.unwrap().refreshed, 1);
    let first = read(&app, &ws, &editor, "").await.expect(200);
    let first_as_of = time(&first["posts"][0]["as_of"]);
    // ... then an older reading arrives: made due again, read at the real (earlier) time.
    let targets =
        app.store.claim_refreshes(ahead + Duration::hours(1), app.lease, 10).await.unwrap();
    app.store.schedule_refresh(&targets, Utc::now() - Duration::minutes(1)).await.unwrap();
    assert_eq!(app.analytics.refresh_once().await.unwrap().calls, 1);
    let later = read(&app, &ws, &editor, "").await.expect(200);
    assert_eq!(time(&later["posts"][0]["as_of"]), first_as_of, "the older reading was ignored");
    assert_eq!(later["posts"][0]["metrics"], first["posts"][0]["metrics"]);
    assert!(time(&later["as_of"]) >= time(&first["as_of"]));
}

#[tokio::test]
async fn when_ayrshare_is_down_the_last_figures_are_answered_cached_with_their_time() {
    let app = spawn_app().await;
    let (ws, editor, _) = published(&app, "down", &["twitter"]).await;
    app.analytics.refresh_once().await.unwrap();
    let fresh = read(&app, &ws, &editor, "").await.expect(200);
    assert_eq!(fresh["upstream"], "fresh");

    app.sim.sim.update_config(|c| c.error_rate = 1.0);
    let due = Utc::now() + Duration::minutes(16);
    let report = app.analytics.refresh_due_at(due).await.unwrap();
    assert_eq!((report.failed, report.refreshed), (1, 0), "{report:?}");
    let cached = read(&app, &ws, &editor, "").await.expect(200);
    assert_eq!(cached["upstream"], "cached", "{cached}");
    assert_eq!(cached["as_of"], fresh["as_of"], "labelled with the figures' own time");
    assert_eq!(cached["posts"], fresh["posts"], "the last figures, unchanged");

    app.sim.sim.update_config(|c| c.error_rate = 0.0);
    let retry = due + Duration::minutes(6);
    assert_eq!(app.analytics.refresh_due_at(retry).await.unwrap().refreshed, 1, "retried later");
    let back = read(&app, &ws, &editor, "").await.expect(200);
    assert_eq!(back["upstream"], "fresh");
    assert!(time(&back["as_of"]) > time(&fresh["as_of"]));
}

#[tokio::test]
async fn a_spent_budget_defers_the_refresh_without_calling_ayrshare_and_answers_cached() {
    // A read share of two calls per window: the linked-accounts check of the post and
    // the first analytics read spend it.
    let budget = Budget { calls: 10, period: std::time::Duration::from_secs(300) };
    let app = spawn_app_with(Options { budget: Some(budget), ..Default::default() }).await;
    let (ws, editor, _) = published(&app, "budget", &["twitter"]).await;
    assert_eq!(app.analytics.refresh_once().await.unwrap().calls, 1);
    let due = Utc::now() + Duration::minutes(16);
    let report = app.analytics.refresh_due_at(due).await.unwrap();
    assert_eq!((report.deferred, report.calls), (1, 0), "{report:?}");
    assert_eq!(analytics_calls(&app), 1, "a refused read never reaches Ayrshare");
    let again = app.analytics.refresh_due_at(due).await.unwrap();
    assert_eq!(again.deferred, 0, "put back for when the window frees, not retried at once");
    let got = read(&app, &ws, &editor, "").await.expect(200);
    assert_eq!(got["upstream"], "cached", "{got}");
    assert!(!got["as_of"].is_null());
}

#[tokio::test]
async fn any_member_may_read_and_bad_ranges_are_422_naming_the_parameter() {
    let app = spawn_app().await;
    let (ws, _, _) = published(&app, "ranges", &["twitter"]).await;
    let viewer = app.token(&ws, "viewer").await;
    let got = read(&app, &ws, &viewer, "?from=2025-03-01&to=2025-03-31").await.expect(200);
    assert_eq!(got["by_day"].as_array().unwrap().len(), 31, "both dates included");
    assert_eq!(got["timezone"], "UTC");
    for (query, field) in [
        ("?from=yesterday", "from"),
        ("?to=2025-02-30", "to"),
        ("?from=2025-03-02&to=2025-03-01", "to"),
        ("?from=2020-01-01&to=2025-01-01", "from"),
        ("?from=2025-01-01T00:00:00", "from"),
        ("?limit=5", "limit"),
    ] {
        let err = read(&app, &ws, &viewer, query).await.expect_error(422, "invalid_field");
        assert_eq!(err["error"]["details"]["field"], field, "{query}: {err}");
    }
    let (other, _, _) = published(&app, "elsewhere", &["twitter"]).await;
    read(&app, &other, &viewer, "").await.expect_error(404, "not_found");
    app.call(Method::GET, &format!("/api/workspaces/{ws}/analytics"), None, None)
        .await
        .expect_error(401, "unauthorized");
}
