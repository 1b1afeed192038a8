//! The freshness monitor (G11): a stale answer planted by skipping one invalidation (a
//! test switch) is caught, counted, and reported by `GET /api/ops/freshness`; fresh
//! answers are checked and counted without a violation.

use crate::support::*;
use serde_json::json;

fn post_ids(body: &serde_json::Value) -> Vec<String> {
    let posts = body["posts"].as_array().unwrap();
    posts.iter().filter_map(|p| p["id"].as_str().map(str::to_owned)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skipped_invalidation_is_caught_by_the_freshness_monitor() {
    let opts = Options { skip_one_invalidation: true, ..Options::default() };
    let app = spawn_app_with(opts).await;
    let ws = app.create_workspace("monitored", false, "expire").await;
    let token = app.token(&ws, "editor").await;
    let (status, _, _, _) = history(&app, &ws, &token, "").await;
    assert_eq!(status, 200);

    // The post change is committed and acknowledged, but its invalidation is skipped.
    let body = json!({"text": "never invalidated", "platforms": ["twitter"], "submit": false});
    let post = app.create_post(&ws, &token, body).await.expect(201);
    let (_, x_cache, _, stale) = history(&app, &ws, &token, "").await;
    assert_eq!(x_cache, "hit");
    assert!(!post_ids(&stale).contains(&post["id"].as_str().unwrap().to_owned()), "planted");

    app.dashboard.monitor().settled().await; // the checks ran (after their grace)
    let report =
        app.call(reqwest::Method::GET, "/api/ops/freshness", Some(ADMIN), None).await.expect(200);
    // The stale answer's check, and the first read's too if it ran after the change.
    let violations = report["violations"].as_u64().unwrap();
    assert!((1..=2).contains(&violations), "{report}");
    assert!(report["checked"].as_u64().unwrap() >= 2, "{report}");
    assert!(report["since"].as_str().is_some_and(|s| s.ends_with('Z')), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fresh_answers_are_checked_without_a_violation_and_only_an_admin_sees_the_figures() {
    let app = spawn_app().await;
    let ws = app.create_workspace("watched", false, "expire").await;
    let token = app.token(&ws, "editor").await;
    for _ in 0..3 {
        history(&app, &ws, &token, "").await;
    }
    let body = json!({"text": "seen at once", "platforms": ["twitter"], "submit": false});
    app.create_post(&ws, &token, body).await.expect(201);
    let (_, _, _, fresh) = history(&app, &ws, &token, "").await;
    assert_eq!(post_ids(&fresh).len(), 1);
    app.dashboard.monitor().settled().await;
    let report =
        app.call(reqwest::Method::GET, "/api/ops/freshness", Some(ADMIN), None).await.expect(200);
    assert_eq!((report["checked"].as_u64(), report["violations"].as_u64()), (Some(4), Some(0)));
    app.call(reqwest::Method::GET, "/api/ops/freshness", Some(&token), None).await.expect(403);
    app.call(reqwest::Method::GET, "/api/ops/freshness", None, None).await.expect(401);
}
