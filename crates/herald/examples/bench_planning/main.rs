//! Planning queries at scale on PostgreSQL: 10,000 workspaces and 1,000,000 posts (one
//! workspace of 1,000 posts measured, the rest around it), the post list newest first,
//! by schedule time, text search (a common word, a rare word, two words), a network
//! filter, and the calendar's 31-day window — each through Herald's own storage layer
//! (`Storage::posts`, `Storage::calendar`), p50/p99 over many runs, against a reference
//! taken in the same run (a `SELECT 1` round trip on the same pool), with the plan
//! PostgreSQL chose for each listing shape (`EXPLAIN (ANALYZE, BUFFERS)` of the very
//! statement the store runs). It fails if a plan reads `posts` sequentially.
//!
//! ```sh
//! HERALD_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//!   cargo run --release -p herald --example bench_planning
//! ```
//! The database `herald_bench_planning` on that server is created (and reused by later
//! runs when it already holds the data; `HERALD_BENCH_RESEED=1` rebuilds it).

mod seed;

use chrono::{Duration as ChronoDuration, Utc};
use herald::storage::store::{self, ListQuery, Sort};
use seed::MEASURED;
use sqlx::{Connection, Executor, PgConnection, Row};
use std::time::{Duration, Instant};

const RUNS: usize = 300;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server = std::env::var("HERALD_BENCH_DATABASE_URL")
        .map_err(|_| anyhow::anyhow!("set HERALD_BENCH_DATABASE_URL to a PostgreSQL server URL"))?;
    let url = seed::database(&server).await?;
    let store = store::open(&url, 8).await?;
    let mut conn = PgConnection::connect(&url).await?;
    seed::seed(&mut conn).await?;
    let pool = sqlx::PgPool::connect(&url).await?;
    let round_trip =
        time(|| async { sqlx::query("SELECT 1").execute(&pool).await.map(|_| ()) }).await;
    println!(
        "reference: SELECT 1 on a pooled connection p50 {:.3} ms p99 {:.3} ms",
        ms(round_trip.0),
        ms(round_trip.1)
    );
    println!(
        "{:<34} {:>9} {:>9} {:>12}",
        "query (1,000-post workspace)", "p50 ms", "p99 ms", "p50 / ref"
    );
    for (name, q) in shapes() {
        let (p50, p99) = time(|| async { store.posts(MEASURED, &q).await.map(|_| ()) }).await;
        println!(
            "{name:<34} {:>9.3} {:>9.3} {:>12.1}",
            ms(p50),
            ms(p99),
            p50.as_secs_f64() / round_trip.0.as_secs_f64()
        );
    }
    let from = Utc::now() - ChronoDuration::days(15);
    let to = from + ChronoDuration::days(31);
    let (p50, p99) =
        time(|| async { store.calendar(MEASURED, from, to, 5_000).await.map(|_| ()) }).await;
    println!(
        "{:<34} {:>9.3} {:>9.3} {:>12.1}",
        "calendar, 31 days",
        ms(p50),
        ms(p99),
        p50.as_secs_f64() / round_trip.0.as_secs_f64()
    );
    explain_all(&mut conn).await
}

/// The listing shapes measured.
fn shapes() -> Vec<(&'static str, ListQuery)> {
    let q = |f: fn(&mut ListQuery)| {
        let mut q = ListQuery { limit: 50, ..ListQuery::default() };
        f(&mut q);
        q
    };
    vec![
        ("newest first", q(|_| {})),
        ("by schedule time", q(|q| q.sort = Sort::ScheduleAsc)),
        ("search: a common word", q(|q| q.q = Some("w7".into()))),
        ("search: a three-letter prefix", q(|q| q.q = Some("w12".into()))),
        ("search: a rare word", q(|q| q.q = Some("w4321".into()))),
        ("search: two words, last a prefix", q(|q| q.q = Some("w12 w30".into()))),
        ("network filter", q(|q| q.platform = Some("linkedin".into()))),
        (
            "status + network + search",
            q(|q| {
                q.status = Some(herald::foundation::domain::PostStatus::Published);
                q.platform = Some("twitter".into());
                q.q = Some("w7".into());
            }),
        ),
    ]
}

async fn explain_all(conn: &mut PgConnection) -> anyhow::Result<()> {
    let mut sequential = Vec::new();
    for (name, q) in shapes() {
        let sql = store::postgres::listing_statement(MEASURED, &q)?;
        let rows =
            conn.fetch_all(format!("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}").as_str()).await?;
        let plan: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
        println!("\n-- plan: {name}\n{}", plan.join("\n"));
        if plan.iter().any(|l| l.contains("Seq Scan on posts")) {
            sequential.push(name);
        }
    }
    anyhow::ensure!(sequential.is_empty(), "sequential scans of posts: {sequential:?}");
    println!("\nno plan reads posts sequentially");
    Ok(())
}

/// p50 and p99 of `RUNS` runs of `f` (after 20 unmeasured).
async fn time<F, Fut, E>(f: F) -> (Duration, Duration)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Debug,
{
    for _ in 0..20 {
        f().await.expect("query");
    }
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        f().await.expect("query");
        times.push(start.elapsed());
    }
    times.sort();
    (times[RUNS / 2], times[RUNS * 99 / 100])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
