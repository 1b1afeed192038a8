//! Write-acknowledgement latency on the Redis tier: 1 and 3 Herald instances on one
//! Redis namespace and one database (a SQLite file they share), one reader per instance
//! reading the dashboard throughout (so every instance has the entry and, leases on,
//! holds its read lease), and `writes` sequential edits of a draft's text through
//! instance 0, each timed from the request to its 2xx. A write is acknowledged only after
//! every other lease holder acknowledged its invalidation (or its lease ran out), so this
//! is what zero-round-trip hits cost writers; with `cache_lease_ms = 0` (leases off, the
//! one-round-trip mode) for comparison.

use crate::app::{self, Herald, Tier};
use reqwest::Method;
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Pause between one reader's reads: a steady reader, not a load.
const READ_EVERY: Duration = Duration::from_millis(5);

/// The table, leases on (the default) and off, 1 and 3 instances.
pub async fn table(redis: &str, writes: usize) {
    println!("\n## Write acknowledgement: {writes} sequential draft edits through instance 0, one reader per instance (a read every {} ms)\n", READ_EVERY.as_millis());
    println!("| read lease | instances | p50 ms | p99 ms | max ms | ack waits | ack timeouts | reads meanwhile (hits) |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, lease) in [("on (default)", None), ("off (`cache_lease_ms = 0`)", Some(0))] {
        for n in [1, 3] {
            let row = cluster_writes(&Tier::redis(redis, lease), n, writes).await;
            println!(
                "| {name} | {n} | {:.2} | {:.2} | {:.2} | {} | {} | {} ({}) |",
                row.p50, row.p99, row.max, row.ack_waits, row.ack_timeouts, row.reads, row.hits
            );
        }
    }
}

struct Row {
    p50: f64,
    p99: f64,
    max: f64,
    ack_waits: u64,
    ack_timeouts: u64,
    reads: u64,
    hits: u64,
}

/// `n` instances sharing one database and cache namespace; the writes' latencies.
async fn cluster_writes(tier: &Tier, n: usize, writes: usize) -> Row {
    let shared = app::shared(Default::default()).await;
    let mut cluster = Vec::new();
    for _ in 0..n {
        cluster.push(app::instance(&shared, tier).await); // one after another: migrations
    }
    let writer = &cluster[0];
    let (ws, token) = writer.workspace("acks").await;
    for i in 0..100 {
        writer.post(&ws, &token, format!("benchmark post {i}"), i % 3 == 0).await;
    }
    let draft = writer.post(&ws, &token, "draft 0".to_owned(), false).await;
    let path = format!("/api/workspaces/{ws}/posts/{}", draft["id"].as_str().unwrap());
    let mut version = draft["version"].as_i64().unwrap();
    let readers = Readers::start(&cluster, &ws, &token);
    for h in &cluster {
        steady(h, tier.lease_ms != Some(0)).await;
    }
    let before = writer.state.dashboard.cache().metrics();
    let read_before = readers.counts();
    let mut took = Vec::with_capacity(writes);
    for i in 1..=writes {
        let body = json!({"version": version, "text": format!("draft {i}")});
        let request = writer.http.request(Method::PATCH, format!("{}{path}", writer.url));
        let request = request.bearer_auth(&token).json(&body);
        let started = Instant::now();
        let res = request.send().await.unwrap();
        took.push(started.elapsed().as_secs_f64() * 1e3);
        assert!(res.status().is_success(), "edit {i}: {}", res.status());
        let edited: serde_json::Value = res.json().await.unwrap();
        version = edited["version"].as_i64().unwrap();
    }
    let after = writer.state.dashboard.cache().metrics();
    let read_after = readers.counts();
    readers.stop().await;
    let (reads, hits) = (read_after.0 - read_before.0, read_after.1 - read_before.1);
    for h in cluster {
        h.stop().await;
    }
    took.sort_by(f64::total_cmp);
    let at = |q: f64| took[((took.len() as f64 * q) as usize).min(took.len() - 1)];
    Row {
        p50: at(0.5),
        p99: at(0.99),
        max: took[took.len() - 1],
        ack_waits: after.ack_waits - before.ack_waits,
        ack_timeouts: after.ack_timeouts - before.ack_timeouts,
        reads,
        hits,
    }
}

/// Until `h` answers the dashboard from its cache and, with `lease`, holds its lease.
async fn steady(h: &Herald, lease: bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while lease && !h.state.dashboard.cache().metrics().read_lease_held {
        assert!(Instant::now() < deadline, "{}: no read lease after 30 s", h.url);
        tokio::time::sleep(Duration::from_millis(20)).await; // no event says it: poll
    }
}

/// One reader per instance, each reading the dashboard every [`READ_EVERY`].
struct Readers {
    stop: Arc<AtomicBool>,
    reads: Arc<AtomicU64>,
    hits: Arc<AtomicU64>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Readers {
    fn start(cluster: &[Herald], ws: &str, token: &str) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (reads, hits) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let tasks = cluster
            .iter()
            .map(|h| {
                let url = format!("{}/api/workspaces/{ws}/history", h.url);
                let (http, token) = (h.http.clone(), token.to_owned());
                let (stop, reads, hits) = (stop.clone(), reads.clone(), hits.clone());
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        let res =
                            http.get(&url).bearer_auth(&token).header("accept-encoding", "br");
                        let res = res.send().await.unwrap();
                        assert!(res.status().is_success(), "a read: {}", res.status());
                        let hit = res.headers().get("x-cache").is_some_and(|v| v == "hit");
                        res.bytes().await.unwrap();
                        reads.fetch_add(1, Ordering::Relaxed);
                        hits.fetch_add(u64::from(hit), Ordering::Relaxed);
                        tokio::time::sleep(READ_EVERY).await; // pacing of the readers
                    }
                })
            })
            .collect();
        Readers { stop, reads, hits, tasks }
    }

    /// The reads made so far, and how many were hits.
    fn counts(&self) -> (u64, u64) {
        (self.reads.load(Ordering::Relaxed), self.hits.load(Ordering::Relaxed))
    }

    async fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.unwrap();
        }
    }
}
