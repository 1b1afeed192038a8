//! Exactly-once publishing: concurrent schedulers, crashed claimers, lagging history,
//! and Ayrshare webhooks.

use crate::support::*;
use chrono::{Duration, Utc};
use herald::coherence::publish::{claim, marker};
use herald::foundation::domain::Post;
use reqwest::Method;
use serde_json::json;
use std::collections::HashMap;

async fn scheduled_post(app: &TestApp, ws: &str, token: &str, text: &str) -> String {
    let at = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let post = app
        .create_post(
            ws,
            token,
            // Not LinkedIn: 200 posts in a day would pass its cap of 150 (422 network_cap).
            json!({"text": text, "platforms": ["twitter", "facebook"], "schedule_at": at}),
        )
        .await
        .expect(201);
    assert_eq!(post["status"], "scheduled");
    post["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn two_schedulers_at_once_publish_each_of_200_due_posts_exactly_once() {
    let app = spawn_app().await;
    let ws = app.create_workspace("dupes", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    for i in 0..200 {
        let id = scheduled_post(&app, &ws, &editor, &format!("due post {i}")).await;
        app.backdate_schedule(&ws, &id).await;
    }
    let (a, b) = tokio::join!(app.scheduler.run_once(), app.scheduler.run_once());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.published + b.published, 200, "runs: {a:?} {b:?}");
    assert_eq!(a.failed + b.failed + a.skipped + b.skipped, 0);
    assert_eq!(posts_sent(&app.sim_stats()), 200);
    let mut seen: HashMap<String, u32> = HashMap::new();
    for item in app.sim_history("dupes").await {
        *seen.entry(item["post"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    assert_eq!(seen.len(), 200);
    assert!(seen.values().all(|&n| n == 1), "a post was published twice");
    let again = app.scheduler.run_once().await.unwrap();
    assert_eq!((again.published, again.failed, again.skipped), (0, 0, 0));
}

/// Simulates an instance that claimed `id` and died: its lease is already over.
async fn claim_and_die(app: &TestApp, id: &str) -> Post {
    let id = id.to_owned();
    let crash = move |p: &Post| {
        (p.id == id).then(|| {
            let (mut next, event) = claim(
                p,
                None,
                std::time::Duration::from_secs(60),
                &"crashed-instance".into(),
                herald::foundation::domain::AuditAction::Claim,
            );
            next.publish.lease_until = Some(Utc::now() - Duration::seconds(1));
            (next, event)
        })
    };
    let due = herald::storage::store::DueQuery {
        workspace_id: None,
        now: Utc::now() + Duration::hours(2),
        limit: 10,
    };
    let claimed = app.store.claim_due(&due, &crash).await.unwrap();
    assert_eq!(claimed.len(), 1);
    claimed[0].post.clone()
}

/// What the dead instance had sent to Ayrshare before it died.
async fn send_as_the_dead_instance(app: &TestApp, ws_name: &str, post: &Post) -> String {
    let key = post.publish.key.clone().unwrap();
    let req = ayrshare::PostRequest {
        post: post.text.clone(),
        platforms: post.publish.targets.iter().map(|p| p.to_string()).collect(),
        notes: Some(marker(&key)),
        idempotency_key: Some(key),
        ..Default::default()
    };
    let reply = app.sim_client().post(app.sim_profile_of(ws_name).profile(), &req).await.unwrap();
    reply.body.id.unwrap()
}

#[tokio::test]
async fn a_post_left_publishing_after_it_was_sent_is_settled_from_history_without_a_second_post() {
    let app = spawn_app().await;
    let ws = app.create_workspace("crash-sent", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let id = scheduled_post(&app, &ws, &editor, "sent before the crash").await;
    let claimed = claim_and_die(&app, &id).await;
    let ayrshare_id = send_as_the_dead_instance(&app, "crash-sent", &claimed).await;

    let report = app.scheduler.run_once().await.unwrap();
    assert_eq!(report.published, 1);
    let post = app.get_post(&ws, &id, &editor).await;
    assert_eq!(post["status"], "published");
    assert_eq!(post["ayrshare_id"], ayrshare_id.as_str());
    assert_eq!(posts_sent(&app.sim_stats()), 1, "recovery looked, it did not post again");
    assert_eq!(app.sim_history("crash-sent").await.len(), 1);
}

#[tokio::test]
async fn a_post_left_publishing_before_it_was_sent_is_published_once() {
    let app = spawn_app().await;
    let ws = app.create_workspace("crash-unsent", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let id = scheduled_post(&app, &ws, &editor, "crashed before sending").await;
    claim_and_die(&app, &id).await;
    assert_eq!(app.scheduler.run_once().await.unwrap().published, 1);
    assert_eq!(app.get_post(&ws, &id, &editor).await["status"], "published");
    assert_eq!(app.sim_history("crash-unsent").await.len(), 1);
}

#[tokio::test]
async fn when_history_lags_recovery_waits_and_ayrshare_refuses_the_same_key_twice() {
    let mut opts = Options::default();
    opts.sim.history_lag = std::time::Duration::from_millis(800);
    let app = spawn_app_with(opts).await;
    let ws = app.create_workspace("crash-lag", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let id = scheduled_post(&app, &ws, &editor, "history has not caught up").await;
    let claimed = claim_and_die(&app, &id).await;
    send_as_the_dead_instance(&app, "crash-lag", &claimed).await;

    let first = app.scheduler.run_once().await.unwrap();
    assert_eq!(first.skipped, 1, "not in history yet, and the key is spent: outcome unknown");
    assert_eq!(app.get_post(&ws, &id, &editor).await["status"], "publishing");

    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.sim_history("crash-lag").await.is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "simulator history never showed the post");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let post = app.store.post(&ws, &id).await.unwrap().unwrap();
    let later = post.publish.lease_until.unwrap() + Duration::seconds(1);
    assert_eq!(app.scheduler.run_due_at(later).await.unwrap().published, 1);
    assert_eq!(app.get_post(&ws, &id, &editor).await["status"], "published");
    assert_eq!(app.sim_history("crash-lag").await.len(), 1, "exactly one post on Ayrshare");
}

#[tokio::test]
async fn ayrshare_4xx_fails_the_post_with_its_message_and_5xx_is_retried() {
    let app = spawn_app().await;
    let ws = app.create_workspace("errors", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    // Herald read the linked accounts while X was linked; X is unlinked after that.
    app.linked_accounts(&ws).await;
    app.sim.sim.update_config(|c| c.fail_platforms = vec!["twitter".into()]);
    let post = app
        .create_post(&ws, &editor, json!({"text": "nope", "platforms": ["twitter"]}))
        .await
        .expect(201);
    assert_eq!(post["status"], "failed");
    assert!(post["platform_results"][0]["error"].as_str().unwrap().contains("156"));
    app.sim.sim.update_config(|c| {
        c.fail_platforms.clear();
        c.error_rate = 1.0;
    });
    let post = app
        .create_post(&ws, &editor, json!({"text": "flaky", "platforms": ["twitter"]}))
        .await
        .expect(201);
    assert_eq!(post["status"], "publishing", "outcome unknown after retries: left for recovery");
    assert_eq!(posts_sent(&app.sim_stats()), 1 + 4, "one per attempt");
    app.sim.sim.update_config(|c| c.error_rate = 0.0);
    let id = post["id"].as_str().unwrap();
    let lease = app.store.post(&ws, id).await.unwrap().unwrap().publish.lease_until.unwrap();
    assert_eq!(app.scheduler.run_due_at(lease + Duration::seconds(1)).await.unwrap().published, 1);
    assert_eq!(app.sim_history("errors").await.len(), 2, "one failed record, one published");
}

#[tokio::test]
async fn signed_webhooks_update_the_post_and_bad_signatures_change_nothing() {
    let app = spawn_app().await;
    let ws = app.create_workspace("hooks", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let post = app
        .create_post(&ws, &editor, json!({"text": "video", "platforms": ["twitter"]}))
        .await
        .expect(201);
    let ayrshare_id = post["ayrshare_id"].as_str().unwrap();
    let body = json!({"action": "scheduled", "subAction": "tikTokPublished", "id": ayrshare_id, "hookId": "hook-1", "status": "success",
        "postIds": [{"platform": "twitter", "status": "success", "id": 42, "postUrl": "https://x.com/p/42"}]}).to_string();
    let send = |sig: String, body: String| {
        app.http
            .post(format!("{}/api/webhooks/ayrshare", app.url))
            .header(ayrshare_sim::WEBHOOK_SIGNATURE_HEADER, sig)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let bad = send("00".repeat(32), body.clone()).await.unwrap();
    assert_eq!(bad.status(), 401);
    assert_eq!(
        app.get_post(&ws, post["id"].as_str().unwrap(), &editor).await["version"],
        post["version"]
    );
    let ok =
        send(ayrshare_sim::sign_webhook(HOOK_SECRET, body.as_bytes()), body.clone()).await.unwrap();
    assert_eq!(ok.status(), 200);
    let updated = app.get_post(&ws, post["id"].as_str().unwrap(), &editor).await;
    assert_eq!(updated["platform_results"][0]["post_url"], "https://x.com/p/42");
    assert_eq!(updated["events"].as_array().unwrap().last().unwrap()["action"], "webhook");
    let again = send(ayrshare_sim::sign_webhook(HOOK_SECRET, body.as_bytes()), body).await.unwrap();
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again["status"], "duplicate", "deliveries are de-duplicated by hookId");
    let _ = app.call(Method::GET, "/healthz", None, None).await;
}
