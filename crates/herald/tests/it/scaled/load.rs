//! The read/write load of the freshness contract, spread over several instances.
//!
//! Writers create drafts, edit them, and every tenth operation publish a post now (a
//! change that touches Ayrshare). Readers read the dashboard history. Operation `i` of
//! task `n` goes to instance `(n + i) % N`, so writes acknowledged by one instance are
//! read on the others. Before each read, the reader copies the acknowledged writes
//! (post id → highest acknowledged version); the read is stale if it lacks one of them
//! or shows it at a lower version. A read that does not answer 200 is a failed read, a
//! write that does not answer as expected a failed write: both are counted, not
//! panicked on, so one run reports every figure.

use crate::scaled::api::{call, create_post, history};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

pub const WRITERS: usize = 4;
pub const READERS: usize = 32;

#[derive(Debug, Default)]
pub struct Tally {
    pub reads: AtomicU64,
    pub stale_reads: AtomicU64,
    pub failed_reads: AtomicU64,
    /// Reads answered from the cache (`X-Cache: hit`).
    pub hits: AtomicU64,
    pub writes: AtomicU64,
    pub failed_writes: AtomicU64,
    /// Publish-now creates that settled (their outcome reached Ayrshare's history).
    pub upstream_changes: AtomicU64,
    /// The first failure of each kind, for the assertion message.
    pub failures: Mutex<Vec<String>>,
    /// Failed reads per instance (base URL).
    pub failed_reads_on: Mutex<HashMap<String, u64>>,
    /// The slowest acknowledged write per instance (base URL).
    pub slowest_write: Mutex<HashMap<String, Duration>>,
}

impl Tally {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    fn failed(&self, counter: &AtomicU64, what: String) {
        if counter.fetch_add(1, Ordering::Relaxed) < 3 {
            self.failures.lock().unwrap().push(what);
        }
    }

    fn failed_read(&self, base: &str, what: String) {
        *self.failed_reads_on.lock().unwrap().entry(base.to_owned()).or_default() += 1;
        self.failed(&self.failed_reads, what);
    }

    /// Prints the figures on stderr (past libtest's capture).
    pub fn report(&self, name: &str, extra: &str) {
        let _ = writeln!(
            std::io::stderr(),
            "{name}: {} reads ({} hits), {} stale, {} failed reads, {} writes, {} failed writes, {} changes touching Ayrshare{extra}",
            Self::get(&self.reads),
            Self::get(&self.hits),
            Self::get(&self.stale_reads),
            Self::get(&self.failed_reads),
            Self::get(&self.writes),
            Self::get(&self.failed_writes),
            Self::get(&self.upstream_changes),
        );
        for failure in self.failures.lock().unwrap().iter() {
            let _ = writeln!(std::io::stderr(), "  {failure}");
        }
    }
}

/// Acknowledged writes: post id → highest version a writer got a 2xx for.
type Acked = Arc<Mutex<HashMap<String, i64>>>;

/// Where and how long the load runs.
#[derive(Clone)]
pub struct Load {
    pub urls: Vec<String>,
    pub ws: String,
    pub token: String,
    pub run_for: Duration,
}

/// Runs the writers and readers until `run_for` has passed, counting into `tally`.
pub async fn run(load: Load, tally: Arc<Tally>) {
    let acked = Acked::default();
    let until = Instant::now() + load.run_for;
    let http = crate::scaled::api::client();
    let mut tasks = vec![];
    for n in 0..WRITERS {
        tasks.push(tokio::spawn(writer(
            http.clone(),
            load.clone(),
            n,
            acked.clone(),
            tally.clone(),
            until,
        )));
    }
    for n in 0..READERS {
        tasks.push(tokio::spawn(reader(
            http.clone(),
            load.clone(),
            n,
            acked.clone(),
            tally.clone(),
            until,
        )));
    }
    for t in tasks {
        t.await.expect("load task");
    }
}

fn ack(acked: &Acked, post: &Value) {
    let (id, version) =
        (post["id"].as_str().unwrap().to_owned(), post["version"].as_i64().unwrap());
    let mut map = acked.lock().unwrap();
    let slot = map.entry(id).or_default();
    *slot = (*slot).max(version);
}

async fn writer(
    http: reqwest::Client,
    load: Load,
    n: usize,
    acked: Acked,
    tally: Arc<Tally>,
    until: Instant,
) {
    let (ws, token) = (&load.ws, &load.token);
    let mut drafts: Vec<(String, i64)> = vec![];
    let mut i = 0;
    while Instant::now() < until {
        i += 1;
        let base = &load.urls[(n + i) % load.urls.len()];
        let text = format!("writer {n} op {i}");
        let started = Instant::now();
        let (reply, expected, edited) = if i % 10 == 0 {
            let body = json!({"text": text, "platforms": ["twitter"]});
            (create_post(&http, base, ws, token, body).await, 201, None)
        } else if i % 2 == 1 && !drafts.is_empty() {
            let slot = i % drafts.len();
            let (id, version) = drafts[slot].clone();
            let url = format!("{base}/api/workspaces/{ws}/posts/{id}");
            let body = json!({"version": version, "text": text});
            (call(&http, reqwest::Method::PATCH, &url, token, Some(body)).await, 200, Some(slot))
        } else {
            let body = json!({"text": text, "platforms": ["twitter"], "submit": false});
            (create_post(&http, base, ws, token, body).await, 201, None)
        };
        match reply {
            Ok(r) if r.status == expected => {
                let post = r.body;
                match edited {
                    Some(slot) => drafts[slot].1 = post["version"].as_i64().unwrap(),
                    None if post["status"] == "draft" => {
                        drafts.push((post["id"].as_str().unwrap().to_owned(), 1))
                    }
                    None if post["status"] != "publishing" => {
                        tally.upstream_changes.fetch_add(1, Ordering::Relaxed);
                    }
                    None => {}
                }
                ack(&acked, &post);
                tally.writes.fetch_add(1, Ordering::Relaxed);
                let mut slowest = tally.slowest_write.lock().unwrap();
                let slot = slowest.entry(base.clone()).or_default();
                *slot = (*slot).max(started.elapsed());
            }
            Ok(r) => tally.failed(
                &tally.failed_writes,
                format!("write on {base} answered {}: {}", r.status, r.body),
            ),
            Err(e) => tally.failed(&tally.failed_writes, format!("write on {base} failed: {e}")),
        }
        tokio::time::sleep(Duration::from_millis(60)).await; // pacing, not synchronisation
    }
}

async fn reader(
    http: reqwest::Client,
    load: Load,
    n: usize,
    acked: Acked,
    tally: Arc<Tally>,
    until: Instant,
) {
    let mut i = 0;
    while Instant::now() < until {
        i += 1;
        let base = &load.urls[(n + i) % load.urls.len()];
        let expected = acked.lock().unwrap().clone();
        tally.reads.fetch_add(1, Ordering::Relaxed);
        let (status, x_cache, body) = match history(&http, base, &load.ws, &load.token).await {
            Ok(answer) => answer,
            Err(e) => {
                tally.failed_read(base, format!("read on {base} failed: {e}"));
                continue;
            }
        };
        let Some(posts) = body["posts"].as_array().filter(|_| status == 200) else {
            tally.failed_read(base, format!("read on {base} answered {status}: {body}"));
            continue;
        };
        if x_cache == "hit" {
            tally.hits.fetch_add(1, Ordering::Relaxed);
        }
        let seen: HashMap<&str, i64> = posts
            .iter()
            .filter(|p| p["origin"] == "herald")
            .map(|p| (p["id"].as_str().unwrap(), p["version"].as_i64().unwrap()))
            .collect();
        let stale = expected.iter().find(|(id, v)| seen.get(id.as_str()).is_none_or(|got| got < v));
        if let Some((id, v)) = stale {
            let got = seen.get(id.as_str());
            tally.failed(
                &tally.stale_reads,
                format!(
                    "read on {base} ({x_cache}) showed post {id} at {got:?}, acknowledged at {v}"
                ),
            );
        }
    }
}
