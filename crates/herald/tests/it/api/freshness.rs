//! The freshness contract under load: writers and readers for ~10 s against a slow
//! simulator (150 ms latency, 2 s history lag). Every read is checked against every
//! write acknowledged before the read started; Ayrshare history fetches are counted
//! against the changes that touched Ayrshare.

use crate::support::*;
use herald::gate::dashboard::Strategy;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

const WRITERS: usize = 4;
const READERS: usize = 32;
const RUN_FOR: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
struct Tally {
    reads: AtomicU64,
    stale_reads: AtomicU64,
    upstream_changes: AtomicU64,
    writes: AtomicU64,
}

/// Acknowledged writes: post id → highest version a writer got a 2xx for.
type Acked = Arc<Mutex<HashMap<String, i64>>>;

fn ack(acked: &Acked, post: &serde_json::Value) {
    let (id, version) =
        (post["id"].as_str().unwrap().to_owned(), post["version"].as_i64().unwrap());
    let mut map = acked.lock().unwrap();
    let slot = map.entry(id).or_default();
    *slot = (*slot).max(version);
}

async fn writer(
    app: Arc<TestApp>,
    ws: String,
    token: String,
    n: usize,
    acked: Acked,
    tally: Arc<Tally>,
    until: Instant,
) {
    let mut drafts: Vec<(String, i64)> = vec![];
    let mut i = 0;
    while Instant::now() < until {
        i += 1;
        let text = format!("writer {n} op {i}");
        let post = if i % 10 == 0 {
            let post = app
                .create_post(&ws, &token, json!({"text": text, "platforms": ["twitter"]}))
                .await
                .expect(201);
            if post["status"] != "publishing" {
                tally.upstream_changes.fetch_add(1, Ordering::Relaxed);
            }
            post
        } else if i % 2 == 1 && !drafts.is_empty() {
            let slot = i % drafts.len();
            let (id, version) = drafts[slot].clone();
            let path = format!("/api/workspaces/{ws}/posts/{id}");
            let post = app
                .call(
                    reqwest::Method::PATCH,
                    &path,
                    Some(&token),
                    Some(json!({"version": version, "text": text})),
                )
                .await
                .expect(200);
            drafts[slot].1 = post["version"].as_i64().unwrap();
            post
        } else {
            let post = app
                .create_post(
                    &ws,
                    &token,
                    json!({"text": text, "platforms": ["twitter"], "submit": false}),
                )
                .await
                .expect(201);
            drafts.push((post["id"].as_str().unwrap().to_owned(), 1));
            post
        };
        ack(&acked, &post);
        tally.writes.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(60)).await; // pacing, not synchronisation
    }
}

async fn reader(
    app: Arc<TestApp>,
    ws: String,
    token: String,
    acked: Acked,
    tally: Arc<Tally>,
    until: Instant,
) {
    while Instant::now() < until {
        let expected = acked.lock().unwrap().clone();
        let (status, _, _, body) = history(&app, &ws, &token, "?limit=1000").await;
        assert_eq!(status, 200);
        let seen: HashMap<&str, i64> = body["posts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["origin"] == "herald")
            .map(|p| (p["id"].as_str().unwrap(), p["version"].as_i64().unwrap()))
            .collect();
        let stale = expected.iter().any(|(id, v)| seen.get(id.as_str()).is_none_or(|got| got < v));
        tally.reads.fetch_add(1, Ordering::Relaxed);
        if stale {
            tally.stale_reads.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Runs the load; returns the tally and the Ayrshare history fetches it caused.
async fn run_load(mut opts: Options) -> (Arc<Tally>, u64) {
    opts.sim.latency = Duration::from_millis(150);
    opts.sim.history_lag = Duration::from_secs(2);
    let app = Arc::new(spawn_app_with(opts).await);
    let ws = app.create_workspace("load", false, "expire").await;
    let token = app.token(&ws, "editor").await;
    history(&app, &ws, &token, "?limit=1000").await;
    let before = history_fetches(&app.sim_stats());
    let (acked, tally) = (Acked::default(), Arc::new(Tally::default()));
    let until = Instant::now() + RUN_FOR;
    let mut tasks = vec![];
    for n in 0..WRITERS {
        tasks.push(tokio::spawn(writer(
            app.clone(),
            ws.clone(),
            token.clone(),
            n,
            acked.clone(),
            tally.clone(),
            until,
        )));
    }
    for _ in 0..READERS {
        tasks.push(tokio::spawn(reader(
            app.clone(),
            ws.clone(),
            token.clone(),
            acked.clone(),
            tally.clone(),
            until,
        )));
    }
    for t in tasks {
        t.await.expect("load task");
    }
    let fetches = history_fetches(&app.sim_stats()) - before;
    (tally, fetches)
}

fn report(name: &str, tally: &Tally, fetches: u64) {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "{name}: {} reads, {} stale, {} writes, {} changes touching Ayrshare, {} history fetches",
        tally.reads.load(Ordering::Relaxed),
        tally.stale_reads.load(Ordering::Relaxed),
        tally.writes.load(Ordering::Relaxed),
        tally.upstream_changes.load(Ordering::Relaxed),
        fetches
    );
}

fn assert_never_stale(tally: &Tally, fetches: u64) {
    assert!(tally.reads.load(Ordering::Relaxed) > 200, "the load ran");
    assert!(tally.upstream_changes.load(Ordering::Relaxed) > 5, "the load touched Ayrshare");
    assert_eq!(tally.stale_reads.load(Ordering::Relaxed), 0, "stale reads");
    assert!(
        fetches <= tally.upstream_changes.load(Ordering::Relaxed),
        "{fetches} history fetches for fewer changes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn versioned_cache_serves_no_stale_read_and_one_fetch_per_change_at_most() {
    let (tally, fetches) = run_load(Options::default()).await;
    report("versioned, in-process", &tally, fetches);
    assert_never_stale(&tally, fetches);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn versioned_cache_with_redis_tier_serves_no_stale_read() {
    let Some(url) = test_redis_url("versioned_cache_with_redis_tier_serves_no_stale_read") else {
        return;
    };
    let (tally, fetches) = run_load(Options { redis_url: Some(url), ..Options::default() }).await;
    report("versioned, Redis tier", &tally, fetches);
    assert_never_stale(&tally, fetches);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn delete_after_write_baseline_is_caught_serving_stale_reads_or_extra_fetches() {
    let (tally, fetches) =
        run_load(Options { strategy: Strategy::DeleteAfterWrite, ..Options::default() }).await;
    report("delete-after-write", &tally, fetches);
    let stale = tally.stale_reads.load(Ordering::Relaxed);
    let changes = tally.upstream_changes.load(Ordering::Relaxed);
    assert!(
        stale > 0 || fetches > changes,
        "the baseline showed neither stale reads nor extra fetches"
    );
}
