//! The backup's cost at scale (ignored by default; run it alone, optimised):
//!
//! ```text
//! cargo test --release -p herald --test it -- ops::backup_bench --ignored --nocapture
//! ```
//!
//! A SQLite database of 100,000 posts (each with its audit event, seeded in SQL), served
//! by `herald serve` while four writers keep creating posts through the API; `herald
//! backup` runs meanwhile. Prints the backup's size and time, the writes acknowledged
//! during it, and the row counts of the copy after `herald restore`.

use super::backup::{herald, keep_writing, simulator, workspace};
use crate::support::process;
use sqlx::{Connection, Executor};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

const POSTS: u32 = 100_000;
const WRITERS: usize = 4;

/// 100,000 drafts with one audit event each, in one transaction.
async fn seed_posts(db: &std::path::Path) {
    let url = format!("sqlite://{}", db.display());
    herald::storage::store::open(&url, 1).await.unwrap().close().await;
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let sql = format!(
        "BEGIN;
         INSERT INTO workspaces (id, name, profile_key, timezone, requires_approval, late_approval,
             content_version, created_at)
         VALUES ('bench-ws', 'Bench', 'PROFILE-Bench-seeded', 'UTC', FALSE, 'expire', 0, 1700000000000);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {POSTS})
         INSERT INTO posts (id, workspace_id, text, platforms, media_urls, status, version, author,
             created_at, updated_at, platform_results)
         SELECT printf('bench-%06d', i), 'bench-ws',
             'Benchmark post ' || i || ': our spring collection, behind the scenes at the studio',
             '[\"twitter\",\"linkedin\"]', '[]', 'draft', 1, 'bench', 1700000000000 + i,
             1700000000000 + i, '[]' FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {POSTS})
         INSERT INTO post_events (id, post_id, workspace_id, actor, action, to_status, version, at,
             txn, seq)
         SELECT printf('bench-ev-%06d', i), printf('bench-%06d', i), 'bench-ws', 'bench', 'create',
             'draft', 1, 1700000000000 + i, 0, i FROM n;
         COMMIT;"
    );
    conn.execute(sqlx::raw_sql(&sql)).await.unwrap();
    conn.close().await.unwrap();
}

#[tokio::test]
#[ignore = "a benchmark: 100,000 posts; run with --ignored --release"]
async fn backup_of_a_100k_post_database_under_write_load() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("herald.db");
    let seeding = Instant::now();
    seed_posts(&db).await;
    println!(
        "seeded {POSTS} posts in {:?}: {} bytes",
        seeding.elapsed(),
        std::fs::metadata(&db).unwrap().len()
    );
    let live = process::spawn_in(dir.path(), "live", &sim.base_url(), &[]);
    live.wait_ready().await;
    let (ws, token) = workspace(&live, &sim, "Writers").await;
    let (stop, written) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            keep_writing(live.url.clone(), ws.clone(), token.clone(), stop.clone(), written.clone())
        })
        .collect();
    while written.load(Ordering::Relaxed) < 100 {
        tokio::task::yield_now().await;
    }
    let copy = dir.path().join("backup.db");
    let (before, started) = (written.load(Ordering::Relaxed), Instant::now());
    let run = herald(&["backup", "--to", copy.to_str().unwrap()], db.to_str().unwrap()).await;
    let (took, during) = (started.elapsed(), written.load(Ordering::Relaxed) - before);
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    println!(
        "backup (wall, with process start): {took:?}; writes acknowledged meanwhile: {during}"
    );
    println!("{}", run.stdout.trim());
    let target = dir.path().join("restored").join("herald.db");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    let restored =
        herald(&["restore", "--from", copy.to_str().unwrap()], target.to_str().unwrap()).await;
    assert!(restored.ok, "{}{}", restored.stdout, restored.stderr);
    println!("{}", restored.stdout.trim());
    let posts: usize = restored
        .stdout
        .split("posts: ")
        .nth(1)
        .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .expect("the restored copy's post count");
    let (least, most) = (POSTS as usize + before, POSTS as usize + before + during + WRITERS);
    assert!((least..=most).contains(&posts), "{posts} posts restored, expected {least}..={most}");
}
