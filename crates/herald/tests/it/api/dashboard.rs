//! The dashboard read: merge rules, headers, selective invalidation, the stampede, SSE,
//! degraded upstream, cache clearing and metrics.

use crate::support::*;
use futures::StreamExt;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

fn in_a_week() -> String {
    (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339()
}

#[tokio::test]
async fn history_merges_herald_posts_with_ayrshare_only_posts() {
    let app = spawn_app().await;
    let ws = app.create_workspace("merge", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let mine = app
        .create_post(&ws, &editor, json!({"text": "made in Herald", "platforms": ["twitter"]}))
        .await
        .expect(201);
    let outside = ayrshare::PostRequest {
        post: "made outside Herald".into(),
        platforms: vec!["facebook".into()],
        ..Default::default()
    };
    app.sim_client().post(app.sim_profile_of("merge").profile(), &outside).await.unwrap();
    app.call(Method::DELETE, &format!("/api/cache/history?workspace={ws}"), Some(ADMIN), None)
        .await
        .expect(200);

    let (status, _, _, body) = history(&app, &ws, &editor, "").await;
    assert_eq!(status, 200);
    let posts = body["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 2, "{body}");
    let own = posts.iter().find(|p| p["origin"] == "herald").unwrap();
    assert_eq!(
        (own["id"].as_str(), own["version"].as_i64()),
        (mine["id"].as_str(), mine["version"].as_i64())
    );
    let foreign = posts.iter().find(|p| p["origin"] == "ayrshare").unwrap();
    assert!(foreign["id"].is_null());
    assert_eq!(foreign["text"], "made outside Herald");
    assert_eq!(body["counts"]["total"], 2);
    assert_eq!(body["counts"]["by_platform"], json!({"facebook": 1, "twitter": 1}));
    assert_eq!(body["upstream"], "fresh");
    assert!(body["as_of"].is_string());
}

#[tokio::test]
async fn a_hit_is_served_with_etag_and_304_and_a_change_is_seen_at_once() {
    let app = spawn_app().await;
    let ws = app.create_workspace("etag", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let (_, first, etag, _) = history(&app, &ws, &editor, "").await;
    assert_eq!(first, "miss");
    let (_, second, etag2, _) = history(&app, &ws, &editor, "").await;
    assert_eq!((second.as_str(), &etag2), ("hit", &etag));
    let res = app
        .http
        .get(format!("{}/api/workspaces/{ws}/history", app.url))
        .bearer_auth(&editor)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    assert_eq!(res.headers()["cache-control"], "private, no-cache");

    let post = app
        .create_post(
            &ws,
            &editor,
            json!({"text": "new", "platforms": ["twitter"], "submit": false}),
        )
        .await
        .expect(201);
    let (_, after, etag3, body) = history(&app, &ws, &editor, "").await;
    assert_eq!(after, "miss");
    assert_ne!(etag3, etag);
    assert_eq!(body["posts"][0]["id"], post["id"]);
}

#[tokio::test]
async fn changes_ayrshare_never_sees_cost_no_history_fetch() {
    let app = spawn_app().await;
    let ws = app.create_workspace("selective", true, "expire").await;
    let (editor, approver) = (app.token(&ws, "editor").await, app.token(&ws, "approver").await);
    history(&app, &ws, &editor, "").await;
    let before = history_fetches(&app.sim_stats());
    let post = app
        .create_post(
            &ws,
            &editor,
            json!({"text": "next week", "platforms": ["twitter"], "schedule_at": in_a_week()}),
        )
        .await
        .expect(201);
    let id = post["id"].as_str().unwrap();
    app.act(&ws, id, "approve", &approver, json!({"version": 1})).await.expect(200);
    let draft = app
        .create_post(
            &ws,
            &editor,
            json!({"text": "draft", "platforms": ["twitter"], "submit": false}),
        )
        .await
        .expect(201);
    app.call(
        Method::DELETE,
        &format!("/api/workspaces/{ws}/posts/{}", draft["id"].as_str().unwrap()),
        Some(&editor),
        Some(json!({"version": 1})),
    )
    .await
    .expect(200);
    let (_, x_cache, _, body) = history(&app, &ws, &editor, "").await;
    assert_eq!(x_cache, "miss", "the view was invalidated");
    assert_eq!(body["posts"][1]["status"], "scheduled");
    assert_eq!(
        history_fetches(&app.sim_stats()),
        before,
        "no Ayrshare history call for local-only changes"
    );
}

#[tokio::test]
async fn five_hundred_reads_right_after_an_invalidation_make_one_ayrshare_call() {
    let mut opts = Options::default();
    opts.sim.latency = Duration::from_millis(150);
    let app = spawn_app_with(opts).await;
    let ws = app.create_workspace("stampede", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    history(&app, &ws, &editor, "").await;
    app.call(Method::DELETE, &format!("/api/cache/history?workspace={ws}"), Some(ADMIN), None)
        .await
        .expect(200);
    let before = history_fetches(&app.sim_stats());
    let reads = futures::stream::iter(0..500)
        .map(|_| history(&app, &ws, &editor, ""))
        .buffer_unordered(500)
        .collect::<Vec<_>>()
        .await;
    assert!(reads.iter().all(|r| r.0 == 200));
    assert_eq!(history_fetches(&app.sim_stats()) - before, 1, "exactly one Ayrshare history call");
}

#[tokio::test]
async fn ayrshare_down_answers_from_local_data_and_says_so() {
    let app = spawn_app().await;
    let ws = app.create_workspace("down", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    app.create_post(
        &ws,
        &editor,
        json!({"text": "still here", "platforms": ["twitter"], "submit": false}),
    )
    .await
    .expect(201);
    app.sim.sim.update_config(|c| c.error_rate = 1.0);
    let (status, _, _, body) = history(&app, &ws, &editor, "").await;
    assert_eq!(status, 200);
    assert_eq!(body["upstream"], "unavailable");
    assert!(body["as_of"].is_null());
    assert_eq!(body["posts"][0]["text"], "still here");

    app.sim.sim.update_config(|c| c.error_rate = 0.0);
    let app2 = spawn_app().await;
    let ws2 = app2.create_workspace("down2", true, "expire").await;
    let editor2 = app2.token(&ws2, "editor").await;
    let (_, _, _, fresh) = history(&app2, &ws2, &editor2, "").await;
    assert_eq!(fresh["upstream"], "fresh");
    app2.sim.sim.update_config(|c| c.error_rate = 1.0);
    app2.call(Method::DELETE, &format!("/api/cache/history?workspace={ws2}"), Some(ADMIN), None)
        .await
        .expect(200);
    let (status, _, _, stale) = history(&app2, &ws2, &editor2, "").await;
    assert_eq!(status, 200);
    assert_eq!(stale["upstream"], "cached", "the last good copy is labelled cached, never fresh");
    assert_eq!(stale["as_of"], fresh["as_of"], "with its true age");
}

#[tokio::test]
async fn events_stream_post_and_history_changes() {
    let app = spawn_app().await;
    let ws = app.create_workspace("sse", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let res = app
        .http
        .get(format!("{}/api/workspaces/{ws}/events", app.url))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut stream = res.bytes_stream();
    let post = app
        .create_post(
            &ws,
            &editor,
            json!({"text": "live", "platforms": ["twitter"], "submit": false}),
        )
        .await
        .expect(201);
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !(seen.contains("event: post") && seen.contains("event: history")) {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("events arrive")
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains(post["id"].as_str().unwrap()), "{seen}");
}

#[tokio::test]
async fn an_open_event_stream_ends_when_the_server_shuts_down() {
    let mut app = spawn_app().await;
    let ws = app.create_workspace("drain", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let res = app
        .http
        .get(format!("{}/api/workspaces/{ws}/events", app.url))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    let mut stream = res.bytes_stream();
    app.shut_down();
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(chunk) = stream.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the SSE response kept the server from draining");
}

#[tokio::test]
async fn metrics_report_cache_counters_ayrshare_calls_and_latencies() {
    let app = spawn_app().await;
    let ws = app.create_workspace("metrics", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    app.create_post(&ws, &editor, json!({"text": "count me", "platforms": ["twitter"]}))
        .await
        .expect(201);
    history(&app, &ws, &editor, "").await;
    history(&app, &ws, &editor, "").await;
    let text =
        app.http.get(format!("{}/metrics", app.url)).send().await.unwrap().text().await.unwrap();
    for needle in ["herald_cache_hits_total", "herald_cache_invalidations_total", "herald_ayrshare_calls_total{method=\"POST\",endpoint=\"/post\",status=\"200\"} 1",
        "herald_ayrshare_calls_total{method=\"GET\",endpoint=\"/history\"", "herald_http_request_duration_seconds_count{method=\"GET\",route=\"/api/workspaces/{ws}/history\"} 2"] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
}
