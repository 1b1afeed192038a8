//! The outside attack review's findings (`security.md`, second round), one test each,
//! written against the code the review attacked and seen failing there before the fix.
//! Names say what must hold now.

use crate::support::process::{self, free_port};
use crate::support::proxy::Proxy;
use crate::support::*;
use ayrshare_sim::{SimConfig, Simulator};
use futures::StreamExt;
use herald::app::startup::Application;
use herald::commands::config::ServeArgs;
use herald::foundation::secret::Secret;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub(crate) async fn sim() -> ayrshare_sim::SimHandle {
    Simulator::spawn(SimConfig { api_key: Some(SIM_KEY.into()), ..SimConfig::default() })
        .await
        .expect("simulator")
}

// ---- H1: /metrics label cardinality --------------------------------------------------

#[tokio::test]
async fn h1_custom_http_methods_never_become_metric_labels_and_refused_requests_are_counted() {
    let app = spawn_app_with(Options { rate_limit_per_minute: 60, ..Options::default() }).await;
    for i in 0..150 {
        let method = Method::from_bytes(format!("{}{i}", "M".repeat(1000)).as_bytes()).unwrap();
        let path = if i % 2 == 0 { "/api/workspaces" } else { "/no/such/route" };
        let _ = app.http.request(method, format!("{}{path}", app.url)).send().await.unwrap();
    }
    let text =
        app.http.get(format!("{}/metrics", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(!text.contains("MMMMMMMMMM"), "a custom method became a label");
    assert!(text.len() < 64 * 1024, "/metrics grew to {} bytes", text.len());
    let refused = text
        .lines()
        .any(|l| l.starts_with("herald_http_requests_total") && l.contains("status=\"429\""));
    assert!(refused, "requests refused by the rate limiter are not counted:\n{text}");
}

#[tokio::test]
async fn h1_metrics_can_be_served_on_a_private_listener_only() {
    let sim = sim().await;
    let metrics_port = free_port();
    let env = [("HERALD_METRICS_BIND", format!("127.0.0.1:{metrics_port}"))];
    let herald = process::start(&sim.base_url(), &env).await;
    let http = reqwest::Client::new();
    let public = http.get(format!("{}/metrics", herald.url)).send().await.unwrap();
    assert_eq!(public.status(), 404, "/metrics is still on the API port");
    let private = http.get(format!("http://127.0.0.1:{metrics_port}/metrics")).send().await;
    let text = private.expect("the metrics listener answers").text().await.unwrap();
    assert!(text.contains("herald_http_requests_total"), "{text}");
}

// ---- H2: four eyes ---------------------------------------------------------------------

#[tokio::test]
async fn h2_an_approver_who_edited_a_colleagues_pending_post_cannot_approve_it() {
    let app = spawn_app().await;
    let ws = app.create_workspace("four-eyes", true, "expire").await;
    let (editor, approver) = (app.token(&ws, "editor").await, app.token(&ws, "approver").await);
    let post = app
        .create_post(&ws, &editor, json!({"text": "Benign announcement", "platforms": ["twitter"]}))
        .await
        .expect(201);
    let id = post["id"].as_str().unwrap();
    let path = format!("/api/workspaces/{ws}/posts/{id}");
    let edited = app
        .call(Method::PATCH, &path, Some(&approver), Some(json!({"version": 1, "text": "Mine"})))
        .await
        .expect(200);
    assert_eq!(edited["status"], "pending_approval");
    app.act(&ws, id, "approve", &approver, json!({"version": edited["version"]}))
        .await
        .expect_error(403, "own_post");
    let other = app.token(&ws, "approver").await;
    app.act(&ws, id, "approve", &other, json!({"version": edited["version"]})).await.expect(200);
}

// ---- H3: slowloris -----------------------------------------------------------------------

/// Opens `n` connections to `port`, each sending `bytes` and then nothing.
async fn hold(port: u16, n: usize, bytes: &'static [u8]) -> Vec<TcpStream> {
    let mut held = Vec::with_capacity(n);
    for _ in 0..n {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        if !bytes.is_empty() {
            s.write_all(bytes).await.unwrap();
        }
        held.push(s);
    }
    held
}

/// How many of `held` the server closes within `within`.
pub(crate) async fn closed_by_server(held: Vec<TcpStream>, within: Duration) -> usize {
    let reads = held.into_iter().map(|mut s| async move {
        let mut buf = [0u8; 512];
        loop {
            match tokio::time::timeout(within, s.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return true,
                Ok(Ok(_)) => continue,
                Err(_) => return false,
            }
        }
    });
    futures::future::join_all(reads).await.into_iter().filter(|c| *c).count()
}

#[tokio::test]
async fn h3_healthz_answers_while_2000_half_open_requests_are_held_and_they_are_closed() {
    let _turn = crate::support::heavy::heavy().await;
    let sim = sim().await;
    let env = [("HERALD_HEADER_READ_TIMEOUT_SECS", "1".to_owned())];
    let herald = process::start(&sim.base_url(), &env).await;
    let held = hold(herald.port, 2000, b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await;
    let started = std::time::Instant::now();
    // Another client: the holder's own address is over its connection cap.
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let health = other
        .get(format!("{}/healthz", herald.url))
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .expect("/healthz answers while 2,000 half-open requests are held");
    assert_eq!(health.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(1), "/healthz took {:?}", started.elapsed());
    let closed = closed_by_server(held, Duration::from_secs(5)).await;
    assert_eq!(closed, 2000, "half-open requests must be closed after the header-read timeout");
}

#[tokio::test]
async fn h3_connections_over_the_configured_limit_are_closed() {
    let sim = sim().await;
    let env = [("HERALD_MAX_CONNECTIONS", "100".to_owned())];
    let herald = process::start(&sim.base_url(), &env).await;
    let held = hold(herald.port, 300, b"").await;
    let closed = closed_by_server(held, Duration::from_secs(2)).await;
    assert!(closed >= 200, "only {closed} of 300 connections over a limit of 100 were closed");
}

// ---- H4: memory amplification through /history?limit= ------------------------------------

#[tokio::test]
async fn h4_distinct_history_limits_do_not_multiply_cached_views() {
    let _turn = crate::support::heavy::heavy().await;
    let sim = sim().await;
    let herald = process::start(&sim.base_url(), &[]).await;
    let http = reqwest::Client::new();
    let call = |m: Method, path: &str, token: &str, body: Option<Value>| {
        let mut req = http.request(m, format!("{}{path}", herald.url)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send()
    };
    crate::support::sim_profile(&http, &sim.base_url(), "amp", "PROFILE-amp-0123456789abcdef")
        .await;
    let ws_body = json!({"name": "amp", "ayrshare_profile_key": "PROFILE-amp-0123456789abcdef"});
    let ws: Value = call(Method::POST, "/api/workspaces", ADMIN, Some(ws_body))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ws = ws["id"].as_str().unwrap().to_owned();
    let tokens = format!("/api/workspaces/{ws}/tokens");
    let editor: Value = call(Method::POST, &tokens, ADMIN, Some(json!({"role": "editor"})))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let editor = editor["token"].as_str().unwrap().to_owned();
    let big = "\u{1F600}".repeat(60_000); // 240 KB of 4-byte characters
    for i in 0..40 {
        let body = json!({"text": format!("{i}{big}"), "platforms": ["facebook"], "submit": false});
        let res = call(Method::POST, &format!("/api/workspaces/{ws}/posts"), &editor, Some(body));
        assert_eq!(res.await.unwrap().status(), 201);
    }
    let before = herald.rss_bytes();
    for limit in 971..=1000 {
        let res = call(
            Method::GET,
            &format!("/api/workspaces/{ws}/history?limit={limit}"),
            &editor,
            None,
        );
        let bytes = res.await.unwrap().bytes().await.unwrap();
        assert!(bytes.len() > 9_000_000);
    }
    let grown = herald.rss_bytes().saturating_sub(before);
    assert!(grown < 120 << 20, "30 reads with distinct limits kept {} MiB", grown >> 20);
}

// ---- M1: event streams and revocation ----------------------------------------------------

async fn open_stream(app: &TestApp, ws: &str, token: &str) -> reqwest::Response {
    app.http
        .get(format!("{}/api/workspaces/{ws}/events", app.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Waits until the body of `res` ends (or fails); false if it is still open after `within`.
async fn ends_within(res: reqwest::Response, within: Duration) -> bool {
    let mut body = res.bytes_stream();
    tokio::time::timeout(within, async {
        while let Some(chunk) = body.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await
    .is_ok()
}

async fn token_with_id(app: &TestApp, ws: &str, role: &str) -> (String, String) {
    let path = format!("/api/workspaces/{ws}/tokens");
    let t =
        app.call(Method::POST, &path, Some(ADMIN), Some(json!({"role": role}))).await.expect(201);
    (t["token"].as_str().unwrap().to_owned(), t["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn m1_an_event_stream_ends_within_a_second_of_its_tokens_revocation() {
    let app = spawn_app().await;
    let ws = app.create_workspace("revoked-stream", true, "expire").await;
    let (viewer, id) = token_with_id(&app, &ws, "viewer").await;
    let stream = open_stream(&app, &ws, &viewer).await;
    assert_eq!(stream.status(), 200);
    let path = format!("/api/workspaces/{ws}/tokens/{id}");
    app.call(Method::DELETE, &path, Some(ADMIN), None).await.expect(204);
    assert!(
        ends_within(stream, Duration::from_millis(1200)).await,
        "the stream outlived revocation"
    );
}

#[tokio::test]
async fn m1_one_principal_may_hold_at_most_20_event_streams() {
    let app = spawn_app().await;
    let ws = app.create_workspace("stream-cap", true, "expire").await;
    let viewer = app.token(&ws, "viewer").await;
    let mut open = vec![];
    for _ in 0..20 {
        let s = open_stream(&app, &ws, &viewer).await;
        assert_eq!(s.status(), 200);
        open.push(s);
    }
    let over = open_stream(&app, &ws, &viewer).await;
    assert_eq!(over.status(), StatusCode::TOO_MANY_REQUESTS);
    drop(open);
}

// ---- M2: revocation while the revoking instance has lost Redis --------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn m2_a_revocation_the_shared_tier_cannot_see_is_not_acknowledged() {
    let Some(redis) =
        test_redis_url("m2_a_revocation_the_shared_tier_cannot_see_is_not_acknowledged")
    else {
        return;
    };
    let sim = sim().await;
    let db = tempfile::tempdir().unwrap();
    let namespace = format!("herald-test-{}", uuid::Uuid::new_v4().simple());
    let target = redis.trim_start_matches("redis://").trim_end_matches('/').to_owned();
    let proxy = Proxy::start(target).await;
    let a = instance(&sim, &db, &proxy.url(), &namespace).await;
    let b = instance(&sim, &db, &redis, &namespace).await;
    let http = reqwest::Client::new();
    crate::support::sim_profile(&http, &sim.base_url(), "m2", "PROFILE-m2-0123456789abcdef").await;
    let ws = http
        .post(format!("{a}/api/workspaces"))
        .bearer_auth(ADMIN)
        .json(&json!({"name": "m2", "ayrshare_profile_key": "PROFILE-m2-0123456789abcdef"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token: Value = http
        .post(format!("{a}/api/workspaces/{ws}/tokens"))
        .bearer_auth(ADMIN)
        .json(&json!({"role": "viewer"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (secret, id) = (token["token"].as_str().unwrap(), token["id"].as_str().unwrap());
    let read_on_b = || http.get(format!("{b}/api/workspaces/{ws}")).bearer_auth(secret).send();
    assert_eq!(read_on_b().await.unwrap().status(), 200, "B has the token cached");

    proxy.cut();
    let revoke =
        || http.delete(format!("{a}/api/workspaces/{ws}/tokens/{id}")).bearer_auth(ADMIN).send();
    let refused = revoke().await.unwrap();
    assert_eq!(refused.status(), 503, "a revocation B cannot learn of was acknowledged");

    proxy.restore();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let ready: Value =
            http.get(format!("{a}/readyz")).send().await.unwrap().json().await.unwrap();
        if ready["cache"]["redis"]["healthy"] == true {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "A never recovered: {ready}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(revoke().await.unwrap().status(), 204, "the retried revocation is acknowledged");
    assert_eq!(read_on_b().await.unwrap().status(), 401, "and holds on B at once");
}

/// An in-process Herald on a shared SQLite file and Redis namespace; returns its URL.
pub(crate) async fn instance(
    sim: &ayrshare_sim::SimHandle,
    db: &tempfile::TempDir,
    redis: &str,
    namespace: &str,
) -> String {
    let mut args = ServeArgs::for_tests(db.path().join("herald.db").to_str().unwrap());
    args.admin_token = Some(Secret::new(ADMIN));
    args.ayrshare.ayrshare_api_key = Some(Secret::new(SIM_KEY));
    args.ayrshare.ayrshare_base_url = sim.base_url();
    args.scheduler_interval_ms = 0;
    args.cache.redis_url = Some(Secret::new(redis));
    args.cache.cache_namespace = namespace.to_owned();
    let app = Application::build(args).await.expect("app builds");
    let url = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    url
}

// ---- M3: rate limiting keyed before authentication ---------------------------------------

#[tokio::test]
async fn m3_unknown_tokens_count_against_the_client_address() {
    let app = spawn_app_with(Options { rate_limit_per_minute: 60, ..Options::default() }).await;
    let mut statuses = std::collections::BTreeMap::<u16, u32>::new();
    for i in 0..150 {
        let token = format!("hrld_guess-{i}-{}", uuid::Uuid::new_v4());
        let res = app.call(Method::GET, "/api/workspaces", Some(&token), None).await;
        *statuses.entry(res.status.as_u16()).or_default() += 1;
    }
    assert!(
        statuses.contains_key(&429),
        "a fresh token per request is never limited: {statuses:?}"
    );
}

#[tokio::test]
async fn m3_failed_authentications_have_their_own_tighter_limit() {
    let app = spawn_app_with(Options { rate_limit_per_minute: 1200, ..Options::default() }).await;
    let mut unauthorized = 0;
    let mut limited = 0;
    for i in 0..100 {
        let token = format!("hrld_guess-{i}-{}", uuid::Uuid::new_v4());
        match app.call(Method::GET, "/api/workspaces", Some(&token), None).await.status.as_u16() {
            401 => unauthorized += 1,
            429 => limited += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        limited > 0 && unauthorized <= 40,
        "{unauthorized} guesses answered 401, {limited} 429"
    );
}
