//! `herald backup` and `herald restore`, run as an operator runs them: the binary, next to
//! a `herald serve` that keeps writing.

use crate::support::process::{self, Herald};
use crate::support::{profile_key, send, sim_profile, ADMIN, SIM_KEY};
use ayrshare_sim::{SimConfig, SimHandle, Simulator};
use reqwest::Method;
use serde_json::json;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::process::Command;

/// What a CLI run printed, and whether it succeeded.
pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// `herald ARGS…` with `DATABASE_URL` set to `database_url` (and nothing else of ours).
pub async fn herald(args: &[&str], database_url: &str) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("the herald binary runs");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub async fn simulator() -> SimHandle {
    Simulator::spawn(SimConfig { api_key: Some(SIM_KEY.into()), ..Default::default() })
        .await
        .unwrap()
}

/// A workspace in the running Herald and an editor token of it.
pub async fn workspace(herald: &Herald, sim: &SimHandle, name: &str) -> (String, String) {
    let http = reqwest::Client::new();
    sim_profile(&http, &sim.base_url(), name, &profile_key(name)).await;
    let body = json!({"name": name, "ayrshare_profile_key": profile_key(name)});
    let ws = send(&http, &herald.url, Method::POST, "/api/workspaces", Some(ADMIN), Some(&body))
        .await
        .unwrap()
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/workspaces/{ws}/tokens");
    let token = send(
        &http,
        &herald.url,
        Method::POST,
        &path,
        Some(ADMIN),
        Some(&json!({"role": "editor"})),
    )
    .await
    .unwrap()
    .expect(201)["token"]
        .as_str()
        .unwrap()
        .to_owned();
    (ws, token)
}

/// Creates drafts until `stop`; counts the acknowledged ones.
pub fn keep_writing(
    url: String,
    ws: String,
    token: String,
    stop: Arc<AtomicBool>,
    written: Arc<AtomicUsize>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        let path = format!("/api/workspaces/{ws}/posts");
        while !stop.load(Ordering::Relaxed) {
            let n = written.load(Ordering::Relaxed);
            let body = json!({"text": format!("written during the backup #{n}"), "platforms": ["twitter"], "submit": false});
            let reply =
                send(&http, &url, Method::POST, &path, Some(&token), Some(&body)).await.unwrap();
            assert_eq!(reply.status, 201, "{}", reply.text);
            written.fetch_add(1, Ordering::Relaxed);
        }
    })
}

async fn sqlite_count(db: &Path, table: &str) -> i64 {
    use sqlx::Connection;
    let mut conn =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&mut conn).await.unwrap()
}

#[tokio::test]
async fn a_backup_taken_while_herald_writes_is_a_consistent_herald_database_that_restores() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let live = process::spawn_in(dir.path(), "live", &sim.base_url(), &[]);
    live.wait_ready().await;
    let (ws, token) = workspace(&live, &sim, "Backed").await;
    let (stop, written) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let writer = keep_writing(live.url.clone(), ws.clone(), token, stop.clone(), written.clone());
    while written.load(Ordering::Relaxed) < 20 {
        tokio::task::yield_now().await;
    }
    let copy = dir.path().join("copy.db");
    let database = dir.path().join("herald.db").display().to_string();
    let run = herald(&["backup", "--to", copy.to_str().unwrap()], &database).await;
    let during = written.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    assert!(run.ok, "backup failed: {}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("backup written to"), "{}", run.stdout);
    let posts = sqlite_count(&copy, "posts").await;
    let events = sqlite_count(&copy, "post_events").await;
    assert!(
        posts >= 20 && posts as usize <= during + 1,
        "{posts} posts in the copy, {during} written by then"
    );
    assert_eq!(
        posts, events,
        "every post in the copy has its one audit event (a consistent snapshot)"
    );

    // The copy, restored into a new place, serves its posts.
    let restored_dir = tempfile::tempdir().unwrap();
    let target = restored_dir.path().join("herald.db");
    let run =
        herald(&["restore", "--from", copy.to_str().unwrap()], target.to_str().unwrap()).await;
    assert!(run.ok, "restore failed: {}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(&format!("posts: {posts}")), "{}", run.stdout);
    let again = process::spawn_in(restored_dir.path(), "restored", &sim.base_url(), &[]);
    again.wait_ready().await;
    let page = send(
        &reqwest::Client::new(),
        &again.url,
        Method::GET,
        &format!("/api/workspaces/{ws}/posts?limit=1"),
        Some(ADMIN),
        None,
    )
    .await
    .unwrap();
    assert_eq!(page.status, 200, "{}", page.text);
}

#[tokio::test]
async fn restore_refuses_a_database_a_running_herald_uses_and_proceeds_once_it_is_gone() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let live = process::spawn_in(dir.path(), "live", &sim.base_url(), &[]);
    live.wait_ready().await;
    let (ws, _) = workspace(&live, &sim, "Kept").await;
    let database = dir.path().join("herald.db");
    let copy = dir.path().join("copy.db");
    let db = database.to_str().unwrap();
    assert!(herald(&["backup", "--to", copy.to_str().unwrap()], db).await.ok);

    let refused = herald(&["restore", "--from", copy.to_str().unwrap()], db).await;
    assert!(!refused.ok, "restored over a database in use: {}", refused.stdout);
    assert!(refused.stderr.contains("in use by a running Herald"), "{}", refused.stderr);

    // SIGKILL: no clean shutdown, and still the kernel released the lock.
    live.kill().await;
    let done = herald(&["restore", "--from", copy.to_str().unwrap()], db).await;
    assert!(done.ok, "{}{}", done.stdout, done.stderr);
    assert!(dir.path().join("herald.db.pre-restore").exists(), "the replaced database is kept");
    let again = process::spawn_in(dir.path(), "again", &sim.base_url(), &[]);
    again.wait_ready().await;
    let reply = send(
        &reqwest::Client::new(),
        &again.url,
        Method::GET,
        &format!("/api/workspaces/{ws}"),
        Some(ADMIN),
        None,
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn restore_refuses_a_file_that_is_not_a_herald_database_and_leaves_the_database_alone() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("herald.db");
    std::fs::write(&target, b"the database as it was").unwrap();
    let not_sqlite = dir.path().join("notes.txt");
    std::fs::write(&not_sqlite, b"hello, this is not a database").unwrap();
    let other_sqlite = dir.path().join("other.db");
    {
        use sqlx::{Connection, Executor};
        let mut c = sqlx::SqliteConnection::connect(&format!(
            "sqlite://{}?mode=rwc",
            other_sqlite.display()
        ))
        .await
        .unwrap();
        c.execute("CREATE TABLE t (x INTEGER)").await.unwrap();
        c.close().await.unwrap();
    }
    for file in [&not_sqlite, &other_sqlite, &dir.path().join("missing.db")] {
        let run =
            herald(&["restore", "--from", file.to_str().unwrap()], target.to_str().unwrap()).await;
        assert!(!run.ok, "restored {}", file.display());
        assert!(
            run.stderr.contains("not a Herald database")
                || run.stderr.contains("does not exist")
                || run.stderr.contains("opening"),
            "{}: {}",
            file.display(),
            run.stderr
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"the database as it was");
    }
}

#[tokio::test]
async fn with_postgresql_backup_and_restore_refuse_and_print_postgresqls_own_commands() {
    let url = "postgres://herald:pg-password-not-to-print@127.0.0.1:1/herald";
    let backup = herald(&["backup", "--to", "/tmp/never-written.db"], url).await;
    assert!(!backup.ok);
    assert!(backup.stderr.contains("pg_dump --format=custom"), "{}", backup.stderr);
    let restore = herald(&["restore", "--from", "/tmp/never-read.db"], url).await;
    assert!(!restore.ok);
    assert!(restore.stderr.contains("pg_restore"), "{}", restore.stderr);
    for run in [&backup, &restore] {
        assert!(
            !run.stderr.contains("pg-password-not-to-print")
                && !run.stdout.contains("pg-password-not-to-print")
        );
    }
}

#[tokio::test]
async fn backup_never_overwrites_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("old-backup.db");
    std::fs::write(&existing, b"an older backup").unwrap();
    let run = herald(
        &["backup", "--to", existing.to_str().unwrap()],
        dir.path().join("herald.db").to_str().unwrap(),
    )
    .await;
    assert!(!run.ok);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(std::fs::read(&existing).unwrap(), b"an older backup");
}
