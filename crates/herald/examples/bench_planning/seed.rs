//! The data set of the scale benchmarks (`bench_planning`, `bench_scale`): 10,000
//! workspaces and 1,000,000 posts on PostgreSQL, in a database of its own that later runs
//! reuse (`HERALD_BENCH_RESEED=1` rebuilds it).

use chrono::Utc;
use sqlx::{Connection, Executor, PgConnection};
use std::time::Instant;

pub const WORKSPACES: i64 = 10_000;
pub const POSTS: i64 = 1_000_000;
/// The measured workspace: 1,000 posts, profile key `PK-bench-0`.
pub const MEASURED: &str = "ws-bench-00000";
pub const MEASURED_POSTS: i64 = 1_000;

/// The benchmark database's URL, created on `server` when missing.
pub async fn database(server: &str) -> anyhow::Result<String> {
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
/// status, over the last year and the month after tomorrow; the measured workspace holds
/// 1,000.
pub async fn seed(conn: &mut PgConnection) -> anyhow::Result<()> {
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
                CASE WHEN s.status IN ('scheduled', 'pending_approval') THEN {now} + 86400000 + (i % 2592000) * 1000 END,
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
