//! Dashboard benchmark (a program, not a timed test). Run with
//! `cargo run --release -p herald --example bench_dashboard` (set `HERALD_BENCH_REDIS_URL`
//! to include the Redis tier). It prints, for a 100-post workspace:
//!
//! 1. dashboard cache hits: requests/s, p50 and p99 over HTTP, next to a server that
//!    returns the very same bytes from memory, measured in the same run, and the ratio;
//!    for the in-process tier and, if configured, the Redis tier;
//! 2. Ayrshare history calls per change that touched Ayrshare, for the versioned cache and
//!    the delete-after-write baseline, with readers running throughout.

#![allow(clippy::unwrap_used)] // a benchmark program: a failure is a panic with its cause

use axum::routing::get;
use futures::StreamExt;
use herald::config::ServeArgs;
use herald::dashboard::Strategy;
use herald::secret::Secret;
use herald::startup::Application;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ADMIN: &str = "bench-admin-token-0123456789";
const SIM_KEY: &str = "bench-sim-key-0123456789";
const CONCURRENCY: usize = 16;
const REQUESTS: usize = 20_000;
const ROUNDS: usize = 3;

struct Herald {
    url: String,
    sim: ayrshare_sim::SimHandle,
    _db: tempfile::TempDir,
}

async fn start(strategy: Strategy, redis: Option<String>, sim: ayrshare_sim::SimConfig) -> Herald {
    let sim = ayrshare_sim::Simulator::spawn(ayrshare_sim::SimConfig {
        api_key: Some(SIM_KEY.into()),
        ..sim
    })
    .await
    .unwrap();
    let db = tempfile::tempdir().unwrap();
    let mut args = ServeArgs::for_tests(db.path().join("bench.db").to_str().unwrap());
    args.admin_token = Some(Secret::new(ADMIN));
    args.ayrshare.ayrshare_api_key = Some(Secret::new(SIM_KEY));
    args.ayrshare.ayrshare_base_url = sim.base_url();
    args.scheduler_interval_ms = 0;
    args.cache.cache_strategy = strategy;
    args.cache.redis_url = redis.map(Secret::new);
    args.cache.cache_namespace = format!("herald-bench-{}", uuid::Uuid::new_v4().simple());
    let app = Application::build(args).await.unwrap();
    let url = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    Herald { url, sim, _db: db }
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> Value {
    let mut req = http.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap().json().await.unwrap_or(Value::Null)
}

/// A workspace without approval and its editor token.
async fn workspace(h: &Herald, http: &reqwest::Client, name: &str) -> (String, String) {
    let ws = call(http, reqwest::Method::POST, format!("{}/api/workspaces", h.url), ADMIN,
        Some(json!({"name": name, "ayrshare_profile_key": format!("bench-{name}-profile-key"), "requires_approval": false}))).await;
    let ws = ws["id"].as_str().unwrap().to_owned();
    let t = call(
        http,
        reqwest::Method::POST,
        format!("{}/api/workspaces/{ws}/tokens", h.url),
        ADMIN,
        Some(json!({"role": "admin"})),
    )
    .await;
    (ws, t["token"].as_str().unwrap().to_owned())
}

async fn create(
    h: &Herald,
    http: &reqwest::Client,
    ws: &str,
    token: &str,
    text: String,
    submit: bool,
) -> Value {
    call(
        http,
        reqwest::Method::POST,
        format!("{}/api/workspaces/{ws}/posts", h.url),
        token,
        Some(json!({"text": text, "platforms": ["twitter", "linkedin"], "submit": submit})),
    )
    .await
}

/// Requests/s, p50 and p99 (µs) of `REQUESTS` GETs with `CONCURRENCY` in flight.
async fn measure(http: &reqwest::Client, url: &str, token: &str) -> (f64, f64, f64) {
    let started = Instant::now();
    let mut latencies: Vec<f64> = futures::stream::iter(0..REQUESTS)
        .map(|_| async {
            let t = Instant::now();
            let res = http.get(url).bearer_auth(token).send().await.unwrap();
            assert!(res.status().is_success());
            res.bytes().await.unwrap();
            t.elapsed().as_secs_f64() * 1e6
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let rps = REQUESTS as f64 / started.elapsed().as_secs_f64();
    latencies.sort_by(|a, b| a.total_cmp(b));
    (rps, latencies[latencies.len() / 2], latencies[latencies.len() * 99 / 100])
}

/// A server answering every GET with `body` from memory (the reference).
async fn reference(body: Arc<String>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/",
        get(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body.as_str().to_owned()) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

async fn hits(tier: &str, redis: Option<String>) {
    let h = start(Strategy::Versioned, redis, Default::default()).await;
    let http = reqwest::Client::new();
    let (ws, token) = workspace(&h, &http, "hits").await;
    for i in 0..100 {
        create(&h, &http, &ws, &token, format!("benchmark post {i}"), i % 3 == 0).await;
    }
    let url = format!("{}/api/workspaces/{ws}/history", h.url);
    let res = http.get(&url).bearer_auth(&token).send().await.unwrap();
    let body = Arc::new(res.text().await.unwrap());
    let reference = reference(body.clone()).await;
    measure(&http, &url, &token).await; // warm-up
    let (mut herald, mut memory) = (vec![], vec![]);
    for _ in 0..ROUNDS {
        memory.push(measure(&http, &reference, &token).await);
        herald.push(measure(&http, &url, &token).await);
    }
    let median = |v: &mut Vec<(f64, f64, f64)>| {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v[v.len() / 2]
    };
    let (hr, hp50, hp99) = median(&mut herald);
    let (mr, mp50, mp99) = median(&mut memory);
    println!("| {tier} | {} B | {hr:.0} | {hp50:.0} | {hp99:.0} | {mr:.0} | {mp50:.0} | {mp99:.0} | {:.2} |", body.len(), hr / mr);
}

/// Ayrshare history calls per change touching Ayrshare, with 16 readers throughout.
async fn calls_per_change(strategy: Strategy) -> (u64, u64, f64) {
    let sim = ayrshare_sim::SimConfig {
        latency: Duration::from_millis(150),
        history_lag: Duration::from_secs(2),
        ..Default::default()
    };
    let h = start(strategy, None, sim).await;
    let http = reqwest::Client::new();
    let (ws, token) = workspace(&h, &http, "calls").await;
    let url = format!("{}/api/workspaces/{ws}/history", h.url);
    http.get(&url).bearer_auth(&token).send().await.unwrap();
    let before = h.sim.sim.stats().requests.get("GET /api/history").copied().unwrap_or(0);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..16)
        .map(|_| {
            let (http, url, token, stop) = (http.clone(), url.clone(), token.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = http.get(&url).bearer_auth(&token).send().await.map(|r| r.bytes());
                }
            })
        })
        .collect();
    let changes = 20;
    for i in 0..changes {
        create(&h, &http, &ws, &token, format!("published change {i}"), true).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        let _ = r.await;
    }
    let calls = h.sim.sim.stats().requests.get("GET /api/history").copied().unwrap_or(0) - before;
    (changes, calls, calls as f64 / changes as f64)
}

#[tokio::main]
async fn main() {
    println!("## Dashboard hits vs. the same bytes from memory ({CONCURRENCY} concurrent, {REQUESTS} requests, median of {ROUNDS} rounds)\n");
    println!(
        "| tier | body | Herald req/s | p50 µs | p99 µs | memory req/s | p50 µs | p99 µs | ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    hits("in-process", None).await;
    match std::env::var("HERALD_BENCH_REDIS_URL") {
        Ok(url) if !url.is_empty() => hits("Redis", Some(url)).await,
        _ => println!("| Redis | skipped: HERALD_BENCH_REDIS_URL not set | | | | | | | |"),
    }
    println!("\n## Ayrshare history calls per change touching Ayrshare (16 readers, 150 ms latency, 2 s history lag)\n");
    println!("| strategy | changes | history calls | calls per change |");
    println!("|---|---|---|---|");
    for (name, strategy) in
        [("versioned", Strategy::Versioned), ("delete-after-write", Strategy::DeleteAfterWrite)]
    {
        let (changes, calls, per) = calls_per_change(strategy).await;
        println!("| {name} | {changes} | {calls} | {per:.2} |");
    }
}
