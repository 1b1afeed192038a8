//! Deliveries as the specification's package sees them: every event type, each post's
//! events in order, retries with one `webhook-id`, one delivery per event on three
//! instances.

use super::{log_until, register, Receiver};
use crate::support::people::Caller;
use crate::support::*;
use futures::StreamExt;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;

const POST_TYPES: [&str; 12] = [
    "post.created",
    "post.updated",
    "post.submitted",
    "post.approved",
    "post.rejected",
    "post.changes_requested",
    "post.scheduled",
    "post.published",
    "post.partially_published",
    "post.failed",
    "post.cancelled",
    "post.deleted",
];

fn in_an_hour() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339()
}

fn fast() -> Options {
    Options { webhooks_interval_ms: 50, ..Options::default() }
}

/// The types the receiver heard for `post`, in arrival order.
fn types_of_post<'a>(heard: &'a [Value], post: &str) -> Vec<&'a str> {
    heard
        .iter()
        .filter(|r| r["data"]["id"] == post)
        .map(|r| r["type"].as_str().unwrap_or("?"))
        .collect()
}

/// Drives posts through every lifecycle event; the ids of the approval path's post and
/// the rejected one.
async fn every_lifecycle_event(app: &TestApp, ws: &str) -> (String, String) {
    let editor = app.token(ws, "editor").await;
    let approver = app.token(ws, "approver").await;
    let body = json!({"text": "Launch", "platforms": ["twitter"], "schedule_at": in_an_hour(), "submit": false});
    let a = app.create_post(ws, &editor, body).await.expect(201);
    let a = a["id"].as_str().unwrap().to_owned();
    let path = format!("/api/workspaces/{ws}/posts/{a}");
    let edit = json!({"version": 1, "text": "Launch!"});
    app.call(Method::PATCH, &path, Some(&editor), Some(edit)).await.expect(200);
    app.act(ws, &a, "submit", &editor, json!({"version": 2})).await.expect(200);
    let ask = json!({"version": 3, "comment": "shorter"});
    app.act(ws, &a, "request-changes", &approver, ask).await.expect(200);
    app.act(ws, &a, "submit", &editor, json!({"version": 4})).await.expect(200);
    app.act(ws, &a, "approve", &approver, json!({"version": 5})).await.expect(200);
    app.backdate_schedule(ws, &a).await;
    app.call(Method::POST, "/api/scheduler/run", Some(CRON), None).await.expect(200);

    let body = json!({"text": "No", "platforms": ["twitter"], "schedule_at": in_an_hour()});
    let b = app.create_post(ws, &editor, body).await.expect(201);
    let b = b["id"].as_str().unwrap().to_owned();
    let reject = json!({"version": 1, "comment": "no"});
    app.act(ws, &b, "reject", &approver, reject).await.expect(200);

    let direct = json!({"requires_approval": false});
    app.call(Method::PATCH, &format!("/api/workspaces/{ws}"), Some(ADMIN), Some(direct))
        .await
        .expect(200);
    let later = json!({"text": "Later", "platforms": ["twitter"], "schedule_at": in_an_hour()});
    let c = app.create_post(ws, &editor, later).await.expect(201);
    let c_path = format!("/api/workspaces/{ws}/posts/{}", c["id"].as_str().unwrap());
    let cancel = json!({"version": c["version"]});
    let cancelled = app.call(Method::DELETE, &c_path, Some(&editor), Some(cancel)).await;
    assert!(cancelled.status.is_success(), "{}", cancelled.text);
    let now = json!({"text": "Now", "platforms": ["twitter"]});
    let d = app.create_post(ws, &editor, now).await.expect(201);
    assert_eq!(d["status"], "published");
    let d_path = format!("/api/workspaces/{ws}/posts/{}", d["id"].as_str().unwrap());
    let delete = json!({"version": d["version"]});
    let deleted = app.call(Method::DELETE, &d_path, Some(ADMIN), Some(delete)).await;
    assert!(deleted.status.is_success(), "{}", deleted.text);
    app.linked_accounts(ws).await;
    app.sim.sim.update_config(|c| c.fail_platforms = vec!["twitter".into()]);
    let fails = json!({"text": "Fails", "platforms": ["twitter"]});
    assert_eq!(app.create_post(ws, &editor, fails).await.expect(201)["status"], "failed");
    let half = json!({"text": "Half", "platforms": ["twitter", "linkedin"]});
    let half = app.create_post(ws, &editor, half).await.expect(201);
    assert_eq!(half["status"], "partially_published");
    (a, b)
}

async fn every_event_type_verified(test: &str, options: Options) {
    let Some(mut rx) = Receiver::start(test).await else { return };
    let app = spawn_app_with(options).await;
    let ws = app.create_workspace(&format!("hooks-{}", &test[..8]), true, "expire").await;
    let mut all: Vec<&str> = POST_TYPES.to_vec();
    all.push("comment.created");
    let (hook, secret) = register(&app, &ws, &rx.url, &all).await;
    rx.set_secret(&secret);
    let (a, b) = every_lifecycle_event(&app, &ws).await;
    let all_types = |heard: &[Value]| {
        let types: HashSet<&str> = heard.iter().filter_map(|r| r["type"].as_str()).collect();
        POST_TYPES.iter().all(|t| types.contains(t))
    };
    let heard = rx.until(Duration::from_secs(30), all_types).await;
    let types: Vec<(&str, &str)> = rx
        .heard
        .iter()
        .map(|r| (r["data"]["text"].as_str().unwrap_or("-"), r["type"].as_str().unwrap_or("?")))
        .collect();
    assert!(heard, "heard: {types:?}");
    let delivered = |l: &[Value]| l.iter().all(|d| d["status"] == "delivered");
    let log = log_until(&app, &ws, &hook, delivered).await;
    assert!(rx.until(Duration::from_secs(5), |h| h.len() >= log.len()).await);
    assert!(rx.heard.iter().all(|r| r["verified"] == true), "unverified: {:?}", rx.heard);
    assert_eq!(
        types_of_post(&rx.heard, &a),
        [
            "post.created",
            "post.updated",
            "post.submitted",
            "post.changes_requested",
            "post.submitted",
            "post.approved",
            "post.scheduled",
            "post.updated",
            "post.published"
        ],
        "one post's events arrive in the order they happened"
    );
    assert_eq!(types_of_post(&rx.heard, &b), ["post.created", "post.submitted", "post.rejected"]);
    assert!(log.iter().all(|d| d["status"] == "delivered" && d["attempts"] == 1), "{log:?}");
    let list_path = format!("/api/workspaces/{ws}/webhooks");
    let listed = app.call(Method::GET, &list_path, Some(ADMIN), None).await;
    assert!(!listed.text.contains(&secret[6..]), "the secret is shown once only");
}

#[tokio::test]
async fn every_event_type_is_delivered_and_verified_by_the_standard_webhooks_package() {
    every_event_type_verified("every_event_type_sqlite", fast()).await;
}

#[tokio::test]
async fn every_event_type_is_delivered_and_verified_by_the_standard_webhooks_package_on_postgres() {
    let test = "every_event_type_postgres";
    let Some(db) = test_database_url(test).await else { return };
    every_event_type_verified(test, Options { database: Some(db), ..fast() }).await;
}

async fn failing_receiver_gets_the_same_id(test: &str, options: Options) {
    let Some(mut rx) = Receiver::start(test).await else { return };
    let app = spawn_app_with(options).await;
    let ws = app.create_workspace(&format!("retry-{}", &test[..6]), true, "expire").await;
    let (hook, secret) = register(&app, &ws, &rx.url, &["post.created"]).await;
    rx.set_secret(&secret);
    rx.fail(true);
    let editor = app.token(&ws, "editor").await;
    app.create_post(&ws, &editor, json!({"text": "hi", "platforms": ["twitter"]}))
        .await
        .expect(201);
    assert!(rx.until(Duration::from_secs(20), |h| h.len() >= 3).await, "{:?}", rx.heard);
    let failing =
        log_until(&app, &ws, &hook, |l| l.first().is_some_and(|d| d["attempts"] == 3)).await;
    assert_eq!(
        (failing[0]["status"].as_str(), failing[0]["last_status"].as_i64()),
        (Some("pending"), Some(503))
    );
    assert!(failing[0]["next_attempt_at"].is_string());
    rx.fail(false);
    assert!(rx.until(Duration::from_secs(20), |h| h.iter().any(|r| r["answered"] == 204)).await);
    let ids: HashSet<&str> = rx.heard.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1, "every attempt carries the same webhook-id: {:?}", rx.heard);
    assert!(rx.heard.iter().all(|r| r["verified"] == true));
    let log = log_until(&app, &ws, &hook, |l| l[0]["status"] == "delivered").await;
    assert_eq!(log[0]["id"].as_str(), ids.into_iter().next());
    assert_eq!(log[0]["attempts"].as_i64(), Some(rx.heard.len() as i64), "{log:?}");
    assert_eq!(log[0]["last_status"], 204);
    assert!(log[0].get("next_attempt_at").is_none());

    let retry = format!(
        "/api/workspaces/{ws}/webhooks/{hook}/deliveries/{}/retry",
        log[0]["id"].as_str().unwrap()
    );
    app.call(Method::POST, &retry, Some(ADMIN), None).await.expect(202);
    let n = rx.heard.len();
    assert!(
        rx.until(Duration::from_secs(10), |h| h.len() > n).await,
        "a manual retry sends it again"
    );
    assert_eq!(rx.heard[n]["id"], rx.heard[0]["id"]);
    let test_path = format!("/api/workspaces/{ws}/webhooks/{hook}/test");
    let queued = app.call(Method::POST, &test_path, Some(ADMIN), None).await.expect(202);
    assert!(
        rx.until(Duration::from_secs(10), |h| h.iter().any(|r| r["type"] == "webhook.test")).await
    );
    assert_eq!(rx.of_type("webhook.test")[0]["id"], queued["id"]);
}

#[tokio::test]
async fn a_failing_receiver_gets_the_same_webhook_id_again_and_the_log_counts_attempts() {
    failing_receiver_gets_the_same_id("failing_sqlite", fast()).await;
}

#[tokio::test]
async fn a_failing_receiver_gets_the_same_webhook_id_again_and_the_log_counts_attempts_on_postgres()
{
    let test = "failing_postgres";
    let Some(db) = test_database_url(test).await else { return };
    failing_receiver_gets_the_same_id(test, Options { database: Some(db), ..fast() }).await;
}

/// 20 posts written across three instances sharing one database: exactly 20
/// `post.created` deliveries, no `webhook-id` twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_posts_on_three_instances_make_exactly_twenty_deliveries() {
    const POSTS: usize = 20;
    let test = "twenty_posts_on_three_instances_make_exactly_twenty_deliveries";
    let Some(mut rx) = Receiver::start(test).await else { return };
    let Some(db) = test_database_url(test).await else { return };
    let options = |db: &TestDatabase| Options { database: Some(db.shared()), ..fast() };
    let a = spawn_app_with(options(&db)).await;
    let others = [spawn_app_with(options(&db)).await, spawn_app_with(options(&db)).await];
    let ws = a.create_workspace("hooks-three", true, "expire").await;
    let (_, secret) = register(&a, &ws, &rx.url, &["post.created"]).await;
    rx.set_secret(&secret);
    let editor = a.token(&ws, "editor").await;
    let apps = [&a, &others[0], &others[1]];
    futures::stream::iter(0..POSTS)
        .map(|i| {
            let (app, ws, editor) = (apps[i % 3], &ws, &editor);
            let body = json!({"text": format!("burst {i}"), "platforms": ["twitter"]});
            async move { app.create_post(ws, editor, body).await.expect(201) }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    assert!(rx.until(Duration::from_secs(30), |h| h.len() >= POSTS).await, "{:?}", rx.heard);
    assert!(!rx.until(Duration::from_secs(3), |h| h.len() > POSTS).await, "a delivery twice");
    let ids: HashSet<&str> = rx.heard.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let posts: HashSet<&str> = rx.heard.iter().map(|r| r["data"]["id"].as_str().unwrap()).collect();
    assert_eq!((ids.len(), posts.len()), (POSTS, POSTS));
    assert!(rx.heard.iter().all(|r| r["verified"] == true && r["type"] == "post.created"));
}

/// The real binary claims and attempts deliveries (the receiver failing), is SIGKILLed,
/// and another instance on the same database delivers every one of them, each with the
/// `webhook-id` the dead instance used.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sigkilled_instances_pending_deliveries_are_delivered_by_another() {
    const POSTS: usize = 5;
    let test = "a_sigkilled_instances_pending_deliveries_are_delivered_by_another";
    let Some(mut rx) = Receiver::start(test).await else { return };
    let Some(db) = test_database_url(test).await else { return };
    let quiet = Options { database: Some(db.shared()), webhooks_interval_ms: 0, ..fast() };
    let setup = spawn_app_with(quiet).await;
    let env = [
        ("DATABASE_URL", db.url.clone()),
        ("HERALD_WEBHOOKS_ALLOW_PRIVATE", "true".to_owned()),
        ("HERALD_WEBHOOKS_INTERVAL_MS", "50".to_owned()),
        ("HERALD_WEBHOOKS_RETRY_BASE_MS", "100".to_owned()),
        ("HERALD_WEBHOOKS_LEASE_SECS", "11".to_owned()),
    ];
    let doomed = crate::support::process::start(&setup.sim.base_url(), &env).await;
    let ws = setup.create_workspace("hooks-kill", true, "expire").await;
    let (hook, secret) = register(&setup, &ws, &rx.url, &["post.created"]).await;
    rx.set_secret(&secret);
    rx.fail(true);
    let editor = setup.token(&ws, "editor").await;
    for i in 0..POSTS {
        let body = json!({"text": format!("kill {i}"), "platforms": ["twitter"]});
        let path = format!("/api/workspaces/{ws}/posts");
        let sent = send(&setup.http, &doomed.url, Method::POST, &path, Some(&editor), Some(&body));
        sent.await.unwrap().expect(201);
    }
    let tried = |h: &[Value]| {
        h.iter().filter_map(|r| r["id"].as_str()).collect::<HashSet<_>>().len() >= POSTS
    };
    assert!(rx.until(Duration::from_secs(20), tried).await, "the doomed instance tried each");
    doomed.kill().await;
    rx.fail(false);
    let failed_before = rx.heard.len();
    let _survivor = spawn_app_with(Options { database: Some(db.shared()), ..fast() }).await;
    let ids: HashSet<String> =
        rx.heard.iter().filter_map(|r| r["id"].as_str()).map(str::to_owned).collect();
    let all_ok = |h: &[Value]| h.iter().filter(|r| r["answered"] == 204).count() >= POSTS;
    assert!(rx.until(Duration::from_secs(30), all_ok).await, "{:?}", rx.heard);
    let delivered: HashSet<String> = rx.heard[failed_before..]
        .iter()
        .filter(|r| r["answered"] == 204)
        .filter_map(|r| r["id"].as_str())
        .map(str::to_owned)
        .collect();
    assert_eq!(delivered, ids, "the same webhook-ids, each delivered");
    let log = log_until(&setup, &ws, &hook, |l| l.iter().all(|d| d["status"] == "delivered")).await;
    assert_eq!(log.len(), POSTS);
}

/// With a 2 s retry window: a receiver that never answers 2xx gets its delivery given
/// up as `failed`, the endpoint disabled (shown in the list, its admins notified) and no
/// longer sent to; an admin turns it on again.
#[tokio::test]
async fn an_endpoint_failing_for_the_whole_window_is_disabled_and_its_delivery_failed() {
    let test = "an_endpoint_failing_for_the_whole_window_is_disabled";
    let Some(mut rx) = Receiver::start(test).await else { return };
    let app = spawn_app_with(Options { webhooks_retry_window_secs: 2, ..fast() }).await;
    let ws = app.create_workspace("hooks-disable", true, "expire").await;
    let (hook, secret) = register(&app, &ws, &rx.url, &["post.created"]).await;
    rx.set_secret(&secret);
    rx.fail(true);
    let editor = app.token(&ws, "editor").await;
    let admin = app.person(&ws, "admin").await;
    let body = json!({"text": "never", "platforms": ["twitter"]});
    app.create_post(&ws, &editor, body).await.expect(201);
    let log =
        log_until(&app, &ws, &hook, |l| l.first().is_some_and(|d| d["status"] == "failed")).await;
    assert!(log[0]["attempts"].as_i64().unwrap() >= 2, "{log:?}");
    assert_eq!(log[0]["last_status"], 503);
    let path = format!("/api/workspaces/{ws}/webhooks");
    let listed = app.call(Method::GET, &path, Some(ADMIN), None).await.expect(200);
    assert_eq!(listed[0]["enabled"], false, "{listed}");
    assert!(listed[0]["disabled_at"].is_string());
    let me = Caller::person(&admin);
    let mine = app.call_as(Method::GET, "/api/me/notifications", &me, None).await.expect(200);
    assert_eq!(mine[0]["kind"], "webhook_disabled", "{mine}");
    assert!(mine[0]["text"].as_str().unwrap().contains(&rx.url));
    let first = log[0]["id"].clone();
    let body = json!({"text": "not sent", "platforms": ["twitter"]});
    app.create_post(&ws, &editor, body).await.expect(201);
    let another = |h: &[Value]| h.iter().any(|r| r["id"] != first);
    assert!(!rx.until(Duration::from_secs(2), another).await, "a disabled endpoint is not sent to");
    rx.fail(false);
    let on = json!({"enabled": true});
    let patched = app.call(Method::PATCH, &format!("{path}/{hook}"), Some(ADMIN), Some(on)).await;
    assert_eq!(patched.expect(200)["enabled"], true);
    assert!(rx.until(Duration::from_secs(10), |h| h.iter().any(|r| r["answered"] == 204)).await);
}
