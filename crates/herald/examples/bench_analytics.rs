//! Analytics benchmark: a program, never a timed test. Starts Herald in this process
//! (port 0, SQLite, the in-process Ayrshare simulator), stores figures for 10,000 (as
//! posts made outside Herald) published posts of one workspace over the last 30 days (two networks each, so 20,000
//! figures), then times `HERALD_BENCH_REQUESTS` (200) sequential reads of
//! `GET /api/workspaces/{ws}/analytics` (default range: the last 30 days, so every
//! figure) and prints p50/p99 and the answer's size. Last, the Ayrshare calls per hour
//! the refresh policy makes for those posts (`Policy::calls_per_hour`).
//!
//! ```sh
//! cargo run --release -p herald --example bench_analytics
//! ```

#![allow(clippy::unwrap_used)] // a benchmark program: a failure is a panic with its cause

use chrono::Duration;
use herald::app::startup::Application;
use herald::commands::config::ServeArgs;
use herald::foundation::domain::{Metric, PostMetrics};
use herald::foundation::secret::Secret;
use herald::services::analytics::Policy;
use serde_json::json;
use std::time::Instant;

const ADMIN: &str = "bench-admin-token-0123456789";
const POSTS: i64 = 10_000;

fn figures(ws: &str) -> Vec<PostMetrics> {
    let now = herald::foundation::domain::model::now_ms();
    (0..POSTS)
        .flat_map(|i| {
            let posted_at =
                now - Duration::minutes(i * 30 * 24 * 60 / POSTS) - Duration::minutes(1);
            ["twitter", "linkedin"].map(|platform| PostMetrics {
                workspace_id: ws.to_owned(),
                post_id: None,
                ayrshare_id: format!("ayr-{i}"),
                platform: platform.into(),
                posted_at,
                metrics: [
                    (Metric::Likes, (i % 97) as f64),
                    (Metric::Impressions, (i % 1013) as f64),
                    (Metric::Comments, (i % 13) as f64),
                    (Metric::Engagements, (i % 113) as f64),
                ]
                .into(),
                as_of: now,
                next_refresh_at: Some(now + Duration::hours(1)),
            })
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let sim = ayrshare_sim::Simulator::spawn(ayrshare_sim::SimConfig::default()).await.unwrap();
    let db = tempfile::tempdir().unwrap();
    let mut args = ServeArgs::for_tests(db.path().join("bench.db").to_str().unwrap());
    args.admin_token = Some(Secret::new(ADMIN));
    args.ayrshare.ayrshare_api_key = Some(Secret::new("bench-sim-key"));
    args.ayrshare.ayrshare_base_url = sim.base_url();
    args.scheduler_interval_ms = 0;
    args.analytics.analytics_interval_ms = 0;
    let app = Application::build(args).await.unwrap();
    let (url, store) = (format!("http://{}", app.local_addr()), app.store());
    tokio::spawn(app.run_until(std::future::pending()));
    let http = reqwest::Client::new();
    let body = json!({"name": "bench", "ayrshare_profile_key": "bench-profile-key-0123456789"});
    let ws: serde_json::Value = http
        .post(format!("{url}/api/workspaces"))
        .bearer_auth(ADMIN)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ws = ws["id"].as_str().unwrap().to_owned();
    let records = figures(&ws);
    for chunk in records.chunks(500) {
        store.save_post_metrics(chunk).await.unwrap();
    }
    let requests: usize =
        std::env::var("HERALD_BENCH_REQUESTS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let path = format!("{url}/api/workspaces/{ws}/analytics");
    let mut times = Vec::with_capacity(requests);
    let mut bytes = 0;
    for _ in 0..requests {
        let started = Instant::now();
        let res = http.get(&path).bearer_auth(ADMIN).send().await.unwrap();
        assert!(res.status().is_success());
        bytes = res.bytes().await.unwrap().len();
        times.push(started.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!("analytics read, {POSTS} posts x 2 networks, {requests} sequential requests:");
    println!(
        "  p50 {:.1} ms, p99 {:.1} ms, answer {} KiB",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        bytes / 1024
    );
    let now = herald::foundation::domain::model::now_ms();
    let posted: Vec<_> = records.iter().step_by(2).map(|r| r.posted_at).collect();
    let policy = Policy::default();
    println!(
        "  refresh policy: {:.0} Ayrshare calls/hour for these {POSTS} posts ({} within 48 h)",
        policy.calls_per_hour(&posted, now),
        posted.iter().filter(|p| now - **p < Duration::hours(48)).count()
    );
    sim.shutdown().await;
}
