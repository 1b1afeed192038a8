//! Dashboard benchmark: a program, never a timed test. It drives Herald with an external
//! load generator, [`wrk`](https://github.com/wg/wrk), and needs it installed:
//! `apt-get install wrk` on Debian or Ubuntu (`brew install wrk` on macOS). Without it
//! the program says so and stops.
//!
//! ```sh
//! HERALD_BENCH_REDIS_URL=redis://127.0.0.1:6379 \
//!   cargo run --release -p herald --example bench_dashboard
//! ```
//!
//! For each tier (in-process; Redis when `HERALD_BENCH_REDIS_URL` is set) it starts
//! Herald in this process (port 0, in-process Ayrshare simulator, rate limiter on),
//! makes a workspace of 100 posts, and starts the reference: a plain axum server that
//! answers with the very bytes of Herald's cached dashboard answer from memory. Then,
//! for 64 connections and for 1, uncompressed and with `Accept-Encoding: br`, it runs
//! wrk against the reference and against Herald's `GET /api/workspaces/{ws}/history`
//! (a cache hit) alternately, `HERALD_BENCH_ROUNDS` rounds (3) of
//! `HERALD_BENCH_SECONDS` seconds (5) each, the order swapped every round, and prints the
//! medians and their ratio (Herald / reference). Compressed rows also give the bytes
//! ratio (compressed / raw body) and Herald's compressed throughput against its
//! uncompressed one.
//!
//! Last, what a change costs an open dashboard on the wire (`live.rs`), and, with
//! `HERALD_BENCH_CALLS=1`, Ayrshare history calls per change (`calls.rs`).
//! `HERALD_BENCH_ONLY=in-process|redis` runs one tier (for profiling).

#![allow(clippy::unwrap_used)] // a benchmark program: a failure is a panic with its cause

mod app;
mod calls;
mod live;
mod wrk;

use app::Herald;
use herald::dashboard::Strategy;
use wrk::Run;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Setup {
    herald: Herald,
    ws: String,
    token: String,
}

/// Herald on a tier, with a 100-post workspace whose dashboard is cached.
async fn setup(redis: Option<String>) -> Setup {
    let herald = app::start(Strategy::Versioned, redis, Default::default()).await;
    let (ws, token) = herald.workspace("hits").await;
    for i in 0..100 {
        herald.post(&ws, &token, format!("benchmark post {i}"), i % 3 == 0).await;
    }
    Setup { herald, ws, token }
}

/// wrk against `a` and `b` alternately, `rounds` times; the medians.
async fn interleaved(
    a: &str,
    b: &str,
    c: usize,
    secs: u64,
    rounds: u64,
    headers: &[String],
) -> (Run, Run) {
    wrk::run(a, c, 1, headers).await; // warm-up
    wrk::run(b, c, 1, headers).await;
    let (mut ra, mut rb) = (vec![], vec![]);
    for round in 0..rounds {
        if round % 2 == 0 {
            rb.push(wrk::run(b, c, secs, headers).await);
            ra.push(wrk::run(a, c, secs, headers).await);
        } else {
            ra.push(wrk::run(a, c, secs, headers).await);
            rb.push(wrk::run(b, c, secs, headers).await);
        }
    }
    let (ma, mb) = (wrk::median(ra), wrk::median(rb));
    assert_eq!(ma.errors + mb.errors, 0, "every response was 2xx/3xx");
    (ma, mb)
}

/// p50 of one `MGET` of 8 keys (what a request resolves) from this process, alone.
async fn redis_round_trip(url: &str) -> f64 {
    let client = redis::Client::open(url).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = (0..8).map(|i| format!("herald-bench-rtt:{i}")).collect();
    let mut took = Vec::with_capacity(2000);
    for _ in 0..2000 {
        let started = std::time::Instant::now();
        let _: Vec<Option<u64>> =
            redis::cmd("MGET").arg(&keys).query_async(&mut conn).await.unwrap();
        took.push(started.elapsed().as_secs_f64() * 1e6);
    }
    took.sort_by(f64::total_cmp);
    took[took.len() / 2]
}

async fn tier(name: &str, redis: Option<String>, secs: u64, rounds: u64) {
    let rtt = match &redis {
        Some(url) => Some(redis_round_trip(url).await),
        None => None,
    };
    let s = setup(redis).await;
    let url = format!("{}/api/workspaces/{}/history", s.herald.url, s.ws);
    let raw = s.herald.body(&url, &s.token, "identity").await;
    let br = s.herald.body(&url, &s.token, "br").await;
    let reference = app::reference(raw.clone(), br.clone()).await;
    for c in [64, 1] {
        let mut plain_rps = f64::NAN;
        for compressed in [false, true] {
            let mut headers = vec![format!("Authorization: Bearer {}", s.token)];
            if compressed {
                headers.push("Accept-Encoding: br".to_owned());
            }
            let (h, r) = interleaved(&url, &reference, c, secs, rounds, &headers).await;
            let (body, extra) = match compressed {
                false => {
                    plain_rps = h.rps;
                    (format!("{} B", raw.len()), String::new())
                }
                true => {
                    let bytes = br.len() as f64 / raw.len() as f64;
                    (
                        format!("{} B br", br.len()),
                        format!("{:.1} % | {:.2}", bytes * 100.0, h.rps / plain_rps),
                    )
                }
            };
            println!(
                "| {name} | {c} | {body} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | **{:.2}** | {extra} |",
                h.rps, h.p50_us, h.p99_us, r.rps, r.p50_us, r.p99_us, h.rps / r.rps
            );
            if let (Some(rtt), 1) = (rtt, c) {
                let ceiling = r.p50_us / (r.p50_us + rtt);
                println!("| | | one Redis round trip from this program's client: p50 {rtt:.0} µs; the reference's p50 plus one such round trip would be a ratio of {ceiling:.2} | | | | | | | | | |");
            }
        }
    }
}

#[tokio::main]
async fn main() {
    let version = match wrk::check().await {
        Ok(v) => v,
        Err(why) => {
            eprintln!("{why}");
            std::process::exit(2);
        }
    };
    let (secs, rounds) = (env_or("HERALD_BENCH_SECONDS", 5), env_or("HERALD_BENCH_ROUNDS", 3));
    let only = std::env::var("HERALD_BENCH_ONLY").unwrap_or_default();
    let redis = std::env::var("HERALD_BENCH_REDIS_URL").ok().filter(|u| !u.is_empty());
    println!("## Dashboard hits vs. the same bytes from memory\n");
    println!("{version}; {rounds} interleaved rounds of {secs} s per row, medians; 100-post workspace; run {}\n", chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"));
    println!("| tier | connections | body | Herald req/s | p50 µs | p99 µs | reference req/s | p50 µs | p99 µs | ratio | compressed / raw bytes | compressed / raw Herald req/s |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    if only.is_empty() || only == "in-process" {
        tier("in-process", None, secs, rounds).await;
    }
    if only.is_empty() || only == "redis" {
        match redis {
            Some(url) => tier("Redis", Some(url), secs, rounds).await,
            None => {
                println!("| Redis | skipped: HERALD_BENCH_REDIS_URL not set | | | | | | | | | | |")
            }
        }
    }
    if !only.is_empty() {
        return;
    }
    println!(
        "\n## What a change costs an open dashboard (bytes received per change, 20 changes)\n"
    );
    println!("| page | bytes per change | refetches per change |");
    println!("|---|---|---|");
    let s = setup(None).await;
    for (name, protocol) in [
        ("before: refetch the history on every event", live::Protocol::Refetch),
        ("now: apply events, refetch the head (304 if unchanged)", live::Protocol::Deltas),
    ] {
        let (bytes, refetches) = live::per_change(&s.herald, &s.ws, &s.token, protocol, 20).await;
        println!("| {name} | {bytes:.0} | {:.1} |", refetches as f64 / 20.0);
    }
    if env_or("HERALD_BENCH_CALLS", 0) == 1 {
        calls::table().await;
    }
}
