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

use chrono::{Duration as ChronoDuration, Utc};
use herald::store::{self, ListQuery, Sort};
use sqlx::{Connection, Executor, PgConnection, Row};
use std::time::{Duration, Instant};

const WORKSPACES: i64 = 10_000;
const POSTS: i64 = 1_000_000;
const MEASURED: &str = "ws-bench-00000";
const MEASURED_POSTS: i64 = 1_000;
const RUNS: usize = 300;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server = std::env::var("HERALD_BENCH_DATABASE_URL")
        .map_err(|_| anyhow::anyhow!("set HERALD_BENCH_DATABASE_URL to a PostgreSQL server URL"))?;
    let url = database(&server).await?;
    let store = store::open(&url, 8).await?;
    let mut conn = PgConnection::connect(&url).await?;
    seed(&mut conn).await?;
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
        ("search: a rare word", q(|q| q.q = Some("w4321".into()))),
        ("search: two words, last a prefix", q(|q| q.q = Some("w12 w3".into()))),
        ("network filter", q(|q| q.platform = Some("linkedin".into()))),
        (
            "status + network + search",
            q(|q| {
                q.status = Some(herald::domain::PostStatus::Published);
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

/// The benchmark database's URL, created on `server` when missing.
async fn database(server: &str) -> anyhow::Result<String> {
    let mut admin = PgConnection::connect(server).await?;
    let name = "herald_bench_planning";
    let reseed = std::env::var("HERALD_BENCH_RESEED").is_ok_and(|v| v == "1");
    if reseed {
        admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await?;
    }
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_optional(&mut admin)
        .await?;
    if exists.is_none() {
        admin.execute(format!("CREATE DATABASE {name}").as_str()).await?;
    }
    let mut url = url::Url::parse(server)?;
    url.set_path(name);
    Ok(url.to_string())
}

/// 10,000 workspaces and 1,000,000 posts of twelve words each (from 5,000), in every
/// status, over the last year and the next month; the measured workspace holds 1,000.
async fn seed(conn: &mut PgConnection) -> anyhow::Result<()> {
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM posts").fetch_one(&mut *conn).await?;
    if have >= POSTS {
        println!("using the {have} posts already seeded");
        return Ok(());
    }
    let start = Instant::now();
    let now = Utc::now().timestamp_millis();
    conn.execute(format!(
        "INSERT INTO workspaces (id, name, profile_key, timezone, requires_approval, late_approval, created_at)
         SELECT 'ws-bench-' || lpad(i::text, 5, '0'), 'Bench ' || i, 'PK-bench-' || i, 'Europe/Paris', true, 'expire', {now}
         FROM generate_series(0, {}) AS i",
        WORKSPACES - 1
    ).as_str()).await?;
    let statuses = "ARRAY['draft','pending_approval','scheduled','published','published','published','failed','cancelled']";
    let platforms = r#"ARRAY['["twitter"]','["linkedin"]','["twitter","linkedin"]','["facebook","instagram"]']"#;
    conn.execute(format!(
        "INSERT INTO posts (id, workspace_id, text, platforms, media_urls, status, schedule_at, version, author,
                            created_at, updated_at, published_at, platform_results)
         SELECT 'p-' || lpad(i::text, 7, '0'),
                CASE WHEN i < {MEASURED_POSTS} THEN '{MEASURED}'
                     ELSE 'ws-bench-' || lpad((1 + i % ({WORKSPACES} - 1))::text, 5, '0') END,
                (SELECT string_agg('w' || floor(random() * 5000)::int, ' ') FROM generate_series(1, 12 + (i % 2) - (i % 2)) AS g),
                ({platforms})[1 + i % 4], '[]', s.status,
                CASE WHEN s.status IN ('scheduled', 'pending_approval') THEN {now} + (i % 2592000) * 1000 END,
                1, 'token:bench', {now} - (i % 31536000) * 1000, {now},
                CASE WHEN s.status = 'published' THEN {now} - (i % 31536000) * 1000 END, '[]'
         FROM generate_series(0, {}) AS i, LATERAL (SELECT ({statuses})[1 + i % 8] AS status) AS s",
        POSTS - 1
    ).as_str()).await?;
    conn.execute("ANALYZE posts").await?;
    println!(
        "seeded {WORKSPACES} workspaces and {POSTS} posts in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
