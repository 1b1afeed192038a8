//! The scale run (issue "performance at scale"): a program, never a test. On the
//! 1,000,000-post data set of `bench_planning` (10,000 workspaces; seeded here when
//! missing), with three Herald instances on that PostgreSQL database and one Redis, all
//! in this process against the in-process Ayrshare simulator:
//!
//! 1. the dashboard read of the 1,000-post workspace: miss and hit p50/p99
//!    ([`dashboard`]);
//! 2. 2,000 open event streams on one instance: memory per stream and the time from a
//!    write's acknowledgement to its event on every stream ([`streams`]);
//! 3. scheduler throughput for 10,000 posts due at once over 100 profiles, with one
//!    instance and with three: posts/s, lag p99, duplicates, Ayrshare calls per profile
//!    against Ayrshare's 300 per 5 minutes ([`scheduler`]).
//!
//! The planning queries on the same data are `bench_planning`'s.
//!
//! ```sh
//! HERALD_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//! HERALD_BENCH_REDIS_URL=redis://127.0.0.1:6379 \
//!   cargo run --release -p herald --example bench_scale
//! ```
//! `HERALD_BENCH_ONLY=dashboard|streams|scheduler` runs one part.

#![allow(clippy::unwrap_used)] // a benchmark program: a failure is a panic with its cause

#[path = "../bench_planning/seed.rs"]
mod seed;

mod cluster;
mod dashboard;
mod scheduler;
mod streams;

use cluster::Loops;
use sqlx::{Connection, PgConnection};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "stream-client") {
        streams::client(&args[2..]).await;
        return Ok(());
    }
    let env = |name: &str| std::env::var(name).map_err(|_| anyhow::anyhow!("set {name}"));
    let server = env("HERALD_BENCH_DATABASE_URL")?;
    let redis = env("HERALD_BENCH_REDIS_URL")?;
    let only = std::env::var("HERALD_BENCH_ONLY").ok();
    let part = |name: &str| only.as_deref().is_none_or(|o| o == name);
    let url = seed::database(&server).await?;
    herald::storage::store::open(&url, 2).await?; // the schema
    seed::seed(&mut PgConnection::connect(&url).await?).await?;
    let pool = sqlx::PgPool::connect(&url).await?;
    postpone_seeded_due_posts(&pool).await?;
    let sim = cluster::simulator().await;
    cluster::profile(&sim, "Bench 0", "PK-bench-0");
    let http = reqwest::Client::new();
    if part("dashboard") || part("streams") {
        let instances = cluster::start(3, &url, &redis, &sim, Loops { scheduler: false }).await;
        if part("dashboard") {
            dashboard::run(&instances, &http, seed::MEASURED).await;
        }
        if part("streams") {
            let ws = instances[0].workspace(&http, &sim, &format!("streams-{}", run_id())).await;
            streams::run(&instances, &http, &ws).await;
        }
        cluster::stop(instances).await;
    }
    if part("scheduler") {
        for n in [1, 3] {
            let instances = cluster::start(n, &url, &redis, &sim, Loops { scheduler: true }).await;
            scheduler::run(&instances, &http, &sim, &pool).await;
            cluster::stop(instances).await;
        }
    }
    Ok(())
}

fn run_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_owned()
}

/// The seeded posts' times were fixed when they were seeded: any that have come due
/// since move a year on, so no scheduler here publishes them (their profiles are not
/// the simulator's).
async fn postpone_seeded_due_posts(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    let now = chrono::Utc::now().timestamp_millis();
    sqlx::query(
        "UPDATE posts SET schedule_at = schedule_at + 31536000000
         WHERE status IN ('scheduled', 'pending_approval') AND schedule_at <= $1 + 3600000
           AND workspace_id LIKE 'ws-bench-%'",
    )
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}
