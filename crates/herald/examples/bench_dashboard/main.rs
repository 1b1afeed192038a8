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
//! For each tier (in-process; when `HERALD_BENCH_REDIS_URL` is set, Redis with read
//! leases on, the default, and Redis with leases off, `cache_lease_ms = 0`) it starts
//! Herald in this process (port 0, in-process Ayrshare simulator, rate limiter on),
//! makes a workspace of 100 posts, and starts the reference: a plain axum server that
//! answers with the very bytes of Herald's cached dashboard answer from memory. Then,
//! for 64 connections and for 1, uncompressed and with `Accept-Encoding: br`, it runs
//! wrk against the reference and against Herald's `GET /api/workspaces/{ws}/history`
//! (a cache hit) alternately, `HERALD_BENCH_ROUNDS` rounds (3) of
//! `HERALD_BENCH_SECONDS` seconds (5) each, the order swapped every round, and prints the
//! medians and their ratio (Herald / reference). Compressed rows also give the bytes
//! ratio (compressed / raw body) and Herald's compressed throughput against its
//! uncompressed one. Redis rows also give what Herald's timed runs cost Redis
//! (`meter.rs`: `INFO commandstats` before and after each run, per 1,000 hits, and
//! Herald's `version_round_trips` and `lease_reads`); that Redis must serve nothing else
//! meanwhile (the program counts other programs' clients and prints the most it saw).
//!
//! With Redis, it then times write acknowledgements with 1 and 3 instances sharing a
//! database and a cache namespace, readers on every instance, leases on and off
//! (`acks.rs`; `HERALD_BENCH_WRITES` edits, 200).
//!
//! Last, what a change costs an open dashboard on the wire (`live.rs`), and, with
//! `HERALD_BENCH_CALLS=1`, Ayrshare history calls per change (`calls.rs`).
//! `HERALD_BENCH_ONLY=in-process|redis|acks` runs one part (for profiling).

#![allow(clippy::unwrap_used)] // a benchmark program: a failure is a panic with its cause

mod acks;
mod app;
mod calls;
mod hits;
mod live;
mod meter;
mod wrk;

use hits::Timing;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The hit-ratio table: in-process, then Redis with leases on and off (`only` may pick
/// one tier).
async fn hit_ratios(version: &str, only: &str, redis: Option<&str>, timing: Timing) {
    let Timing { secs, rounds } = timing;
    println!("## Dashboard hits vs. the same bytes from memory\n");
    println!("{version}; {rounds} interleaved rounds of {secs} s per row, medians; 100-post workspace; run {}\n", chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"));
    hits::header();
    if only != "redis" {
        hits::tier("in-process", None, None, timing).await;
    }
    if only == "in-process" {
        return;
    }
    match redis {
        Some(url) => {
            hits::tier("Redis, leases on", Some(url), None, timing).await;
            hits::tier("Redis, leases off", Some(url), Some(0), timing).await;
        }
        None => {
            println!(
                "| Redis | skipped: HERALD_BENCH_REDIS_URL not set | | | | | | | | | | | | | | |"
            )
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
    let timing = Timing { secs, rounds };
    let only = std::env::var("HERALD_BENCH_ONLY").unwrap_or_default();
    let redis = std::env::var("HERALD_BENCH_REDIS_URL").ok().filter(|u| !u.is_empty());
    if only.is_empty() || only == "in-process" || only == "redis" {
        hit_ratios(&version, &only, redis.as_deref(), timing).await;
    }
    if let (Some(url), true) = (&redis, only.is_empty() || only == "acks") {
        acks::table(url, env_or("HERALD_BENCH_WRITES", 200) as usize).await;
    }
    if !only.is_empty() {
        return;
    }
    println!(
        "\n## What a change costs an open dashboard (bytes received per change, 20 changes)\n"
    );
    println!("| page | bytes per change | refetches per change |");
    println!("|---|---|---|");
    let s = hits::setup(&app::Tier {
        strategy: herald::gate::dashboard::Strategy::Versioned,
        redis: None,
        lease_ms: None,
    })
    .await;
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
