//! Scheduler throughput: 100 workspaces (100 simulator profiles) of 100 scheduled posts
//! each, made through the API, then all 10,000 made due at once (one `UPDATE` of their
//! time to now); the instances' schedulers (the production 1 s interval) publish them
//! against the simulator (Ayrshare's 300 calls per 5 minutes per profile). Figures:
//! posts per second from due to the last one published, lag (published − due) p50/p99,
//! duplicates counted on the simulator's side (records per post text), and the most
//! Ayrshare calls one profile received (all within the burst, so within 5 minutes)
//! against its 300.

use crate::cluster::{percentiles, Instance, SIM_KEY};
use futures::StreamExt;
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const PROFILES: usize = 100;
const PER_PROFILE: usize = 100;

pub async fn run(
    instances: &[Instance],
    http: &reqwest::Client,
    sim: &ayrshare_sim::SimHandle,
    pool: &PgPool,
) {
    let run = crate::run_id();
    let mut workspaces = Vec::new();
    for i in 0..PROFILES {
        let name = format!("sched-{run}-{i}");
        let instance = &instances[i % instances.len()];
        let ws = instance.workspace(http, sim, &name).await;
        let token = instance.token(http, &ws, "editor").await;
        workspaces.push((ws, token, format!("bench-{name}-profile-key")));
    }
    let made = Instant::now();
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let n = instances.len();
    let jobs = workspaces.iter().enumerate().flat_map(|(w, (ws, token, _))| {
        let tomorrow = tomorrow.clone();
        (0..PER_PROFILE).map(move |j| {
            let body = json!({"text": format!("sched {w} {j}"), "platforms": ["linkedin", "facebook"],
                              "schedule_at": tomorrow, "submit": true});
            let path = format!("/api/workspaces/{ws}/posts");
            let instance = &instances[(w + j) % n];
            async move { instance.call(http, Method::POST, &path, token, Some(body)).await }
        })
    });
    let created: Vec<Value> = futures::stream::iter(jobs).buffer_unordered(32).collect().await;
    assert!(created.iter().all(|p| p["status"] == "scheduled"));
    println!("\n== scheduler: {} posts over {PROFILES} profiles, {n} instance(s)", created.len());
    println!("made through the API in {:.1} s", made.elapsed().as_secs_f64());
    let ids: Vec<String> = workspaces.iter().map(|(ws, _, _)| ws.clone()).collect();
    let due = chrono::Utc::now().timestamp_millis();
    let moved = sqlx::query("UPDATE posts SET schedule_at = $1 WHERE workspace_id = ANY($2)")
        .bind(due)
        .bind(&ids)
        .execute(pool)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(moved as usize, PROFILES * PER_PROFILE);
    wait_settled(pool, &ids).await;
    report(pool, &ids, due).await;
    let busiest = workspaces.iter().map(|(_, _, key)| calls(sim, key)).max().unwrap_or(0);
    duplicates(http, sim, &workspaces).await;
    println!("Ayrshare calls of the busiest profile during the burst: {busiest} (limit 300 per 5 minutes)");
}

/// Every Ayrshare call the simulator answered for `profile`, so far.
fn calls(sim: &ayrshare_sim::SimHandle, profile: &str) -> u64 {
    sim.sim.stats().by_profile.get(profile).map_or(0, |routes| routes.values().sum())
}

/// Polls until no post of `ids` is scheduled or publishing (15 minutes at most).
async fn wait_settled(pool: &PgPool, ids: &[String]) {
    let start = Instant::now();
    loop {
        let open: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM posts WHERE workspace_id = ANY($1) AND status IN ('scheduled', 'publishing')",
        )
        .bind(ids)
        .fetch_one(pool)
        .await
        .unwrap();
        if open == 0 {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(900),
            "{open} posts still open after 15 minutes"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn report(pool: &PgPool, ids: &[String], due: i64) {
    let rows: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT status, published_at FROM posts WHERE workspace_id = ANY($1)")
            .bind(ids)
            .fetch_all(pool)
            .await
            .unwrap();
    let mut by_status: HashMap<String, usize> = HashMap::new();
    let mut lags = Vec::new();
    for (status, published_at) in &rows {
        *by_status.entry(status.clone()).or_default() += 1;
        if let Some(at) = published_at {
            lags.push((at - due) as f64);
        }
    }
    let last = lags.iter().copied().fold(0.0, f64::max) / 1e3;
    let (p50, p99, max) = percentiles(&mut lags);
    println!("outcome: {by_status:?}");
    println!(
        "throughput {:.0} posts/s (due → last published {last:.1} s); lag p50 {:.2} s, p99 {:.2} s, max {:.2} s",
        lags.len() as f64 / last,
        p50 / 1e3,
        p99 / 1e3,
        max / 1e3
    );
}

/// The simulator's records per post text, over every profile: a text twice is a
/// duplicate publication.
async fn duplicates(
    http: &reqwest::Client,
    sim: &ayrshare_sim::SimHandle,
    workspaces: &[(String, String, String)],
) {
    let (mut records, mut duplicates) = (0, 0);
    for (_, _, key) in workspaces {
        let res = http
            .get(format!("{}/history?lastDays=0&limit=1000", sim.base_url()))
            .bearer_auth(SIM_KEY)
            .header(ayrshare_sim::PROFILE_KEY_HEADER, key)
            .send()
            .await
            .unwrap();
        let body: Value = res.json().await.unwrap();
        let mut texts: HashMap<String, usize> = HashMap::new();
        for item in body["history"].as_array().cloned().unwrap_or_default() {
            records += 1;
            *texts.entry(item["post"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
        }
        duplicates += texts.values().filter(|n| **n > 1).map(|n| n - 1).sum::<usize>();
    }
    println!("simulator: {records} records, {duplicates} duplicates");
}
