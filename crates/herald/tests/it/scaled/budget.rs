//! One Ayrshare budget per profile across instances: three `herald serve` processes on
//! PostgreSQL and Redis, `HERALD_AYRSHARE_BUDGET=60/30` and a simulator enforcing the
//! same 60 calls per 30 s per profile (it answers 429 past that). 300 posts of one
//! profile come due at once while readers read the dashboard on every instance.
//!
//! Then: the simulator answered no 429 (so no 30 s window held more than 60 calls),
//! every post is published exactly once, no read was stale (G1: each read shows every
//! post at least at the version acknowledged before the read started — a create's 201,
//! or for the scheduler's changes, which nobody requested, the change's live event,
//! which Herald sends only after the change is invalidated everywhere), and the posts
//! that had to wait say so (a `wait` line in their audit trail, `waiting_for` while
//! waiting).

use crate::scaled::api::{self, history, posts_sent, sim_feed, workspace_and_editor, Events};
use crate::scaled::cluster::scenario;
use ayrshare_sim::{RateLimitSpec, SimConfig};
use chrono::{SecondsFormat, Utc};
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

const POSTS: usize = 300;
const READERS_PER_INSTANCE: usize = 2;

#[derive(Default)]
struct Reads {
    total: AtomicU64,
    stale: AtomicU64,
    failed: AtomicU64,
    /// Reads that showed a post waiting for the budget.
    saw_waiting: AtomicU64,
    cached: AtomicU64,
}

/// Post id → the highest version acknowledged so far.
type Acked = Arc<Mutex<HashMap<String, i64>>>;

fn ack(acked: &Acked, id: &str, version: i64) {
    let mut acked = acked.lock().unwrap();
    let v = acked.entry(id.to_owned()).or_default();
    *v = (*v).max(version);
}

/// Records the version of every `post` event heard on `events` until `stop`.
async fn hear_acks(mut events: Events, acked: Acked, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::SeqCst) {
        let heard = events.wait_for("post", Duration::from_millis(500), |_| true).await;
        if let Some(post) = heard {
            let (Some(id), Some(v)) = (post["id"].as_str(), post["version"].as_i64()) else {
                panic!("a post event without id and version: {post}");
            };
            ack(&acked, id, v);
        }
    }
}

/// Reads the dashboard on `base` until `stop`, checking each read against the versions
/// acknowledged when it started.
async fn reader(
    base: String,
    ws: String,
    token: String,
    acked: Acked,
    stop: Arc<AtomicBool>,
    reads: Arc<Reads>,
) {
    let http = api::client();
    while !stop.load(Ordering::SeqCst) {
        let expected = acked.lock().unwrap().clone();
        let (status, _, body) = history(&http, &base, &ws, &token).await.expect("read answered");
        reads.total.fetch_add(1, Ordering::Relaxed);
        if status != 200 {
            reads.failed.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        let shown: HashMap<&str, &Value> = body["posts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p["id"].as_str()?, p)))
            .collect();
        let stale = expected.iter().any(|(id, v)| {
            shown.get(id.as_str()).is_none_or(|p| p["version"].as_i64().unwrap_or(0) < *v)
        });
        if stale {
            reads.stale.fetch_add(1, Ordering::Relaxed);
        }
        if shown.values().any(|p| p["waiting_for"] == "ayrshare_limit") {
            reads.saw_waiting.fetch_add(1, Ordering::Relaxed);
        }
        if body["upstream"] == "cached" {
            reads.cached.fetch_add(1, Ordering::Relaxed);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_share_one_budget_of_60_calls_per_30_s_and_publish_300_due_posts_once() {
    let sim = SimConfig {
        rate_limit: RateLimitSpec { max: 60, window: Duration::from_secs(30) },
        history_lag: Duration::from_millis(500),
        ..SimConfig::default()
    };
    scenario("three_instances_share_one_budget_of_60_calls_per_30_s_and_publish_300_due_posts_once", true, sim, |env| async move {
        let cluster = env.start_cluster(3, &[]).await;
        let http = api::client();
        let (ws, token) = workspace_and_editor(&http, &cluster[0].url, &env.sim.base_url(), "budget").await;
        let later = (Utc::now() + chrono::Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Millis, true);
        let urls: Vec<String> = cluster.iter().map(|i| i.url.clone()).collect();
        let acked: Acked = Arc::default();
        let created: Vec<api::Reply> = futures::stream::iter(0..POSTS)
            .map(|i| {
                let (http, base, ws, token) = (&http, &urls[i % urls.len()], &ws, &token);
                let body = json!({"text": format!("budget post {i:03}"), "platforms": ["twitter"], "schedule_at": later});
                async move { api::create_post(http, base, ws, token, body).await.expect("create answered") }
            })
            .buffer_unordered(16)
            .collect()
            .await;
        for reply in &created {
            assert_eq!(reply.status, 201, "{}", reply.body);
            ack(&acked, reply.body["id"].as_str().unwrap(), reply.body["version"].as_i64().unwrap());
        }

        let stop = Arc::new(AtomicBool::new(false));
        let reads = Arc::new(Reads::default());
        let events = Events::connect(&urls[1], &ws, &token).await;
        let hearer = tokio::spawn(hear_acks(events, acked.clone(), stop.clone()));
        let readers: Vec<_> = urls
            .iter()
            .flat_map(|u| std::iter::repeat_n(u.clone(), READERS_PER_INSTANCE))
            .map(|base| tokio::spawn(reader(base, ws.clone(), token.clone(), acked.clone(), stop.clone(), reads.clone())))
            .collect();
        let mut db = env.sql().await;
        sqlx::query("UPDATE posts SET schedule_at = $2 WHERE workspace_id = $1 AND status = 'scheduled'")
            .bind(&ws)
            .bind(Utc::now().timestamp_millis())
            .execute(&mut db)
            .await
            .expect("all due at once");
        let due_at = Instant::now();
        let deadline = due_at + Duration::from_secs(420);
        loop {
            let left: i64 = sqlx::query_scalar("SELECT count(*) FROM posts WHERE workspace_id = $1 AND status <> 'published'")
                .bind(&ws)
                .fetch_one(&mut db)
                .await
                .unwrap();
            if left == 0 {
                break;
            }
            assert!(Instant::now() < deadline, "{left} posts still unpublished\n{}", cluster[0].log_tail(30));
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let drained = due_at.elapsed();
        stop.store(true, Ordering::SeqCst);
        for r in readers {
            r.await.unwrap();
        }
        hearer.await.unwrap();

        let stats = env.sim.sim.stats();
        let rate_limited = stats.by_status.get("429").copied().unwrap_or(0);
        let calls: u64 = stats.by_profile.values().flat_map(|routes| routes.values()).sum();
        let feed = sim_feed(&env.sim, "budget", "twitter").await;
        let texts: Vec<&str> = feed.iter().filter_map(|p| p["post"].as_str()).collect();
        let distinct: HashSet<&str> = texts.iter().copied().collect();
        let waited: i64 = sqlx::query_scalar("SELECT count(DISTINCT post_id) FROM post_events WHERE workspace_id = $1 AND action = 'wait'")
            .bind(&ws)
            .fetch_one(&mut db)
            .await
            .unwrap();
        let per_window = POSTS as f64 / (drained.as_secs_f64() / 30.0);
        let _ = writeln!(
            std::io::stderr(),
            "FIGURE budget 60/30 s, 3 instances: {POSTS} due posts published in {drained:?} ({per_window:.0} per 30 s); Ayrshare calls {calls} (POST /post {}), 429s {rate_limited}; \
             dashboard reads {} ({} stale, {} failed, {} labelled cached, {} showed a post waiting); posts that waited {waited}",
            posts_sent(&stats),
            reads.total.load(Ordering::Relaxed),
            reads.stale.load(Ordering::Relaxed),
            reads.failed.load(Ordering::Relaxed),
            reads.cached.load(Ordering::Relaxed),
            reads.saw_waiting.load(Ordering::Relaxed),
        );
        assert_eq!(rate_limited, 0, "the simulator refused calls: some 30 s window held more than 60");
        assert_eq!((texts.len(), distinct.len()), (POSTS, POSTS), "each post on the network once");
        assert_eq!(reads.stale.load(Ordering::Relaxed), 0, "stale dashboard reads");
        assert_eq!(reads.failed.load(Ordering::Relaxed), 0, "failed dashboard reads");
        assert!(waited > 0, "with 300 posts and 60 calls per 30 s, some posts must have waited and said so");
        assert!(reads.saw_waiting.load(Ordering::Relaxed) > 0, "no read ever showed a post waiting");
    })
    .await;
}
