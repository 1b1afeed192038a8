//! Looking at a SQLite file without changing it: is it a Herald database, at which schema
//! version, is it intact, how many rows its main tables hold.

use anyhow::{bail, Context};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Row};
use std::path::Path;
use std::time::Duration;

/// Tables whose row counts `backup` and `restore` report.
pub const COUNTED: [&str; 5] = ["workspaces", "users", "posts", "post_events", "media"];

/// The newest schema version this binary knows.
pub fn known_version() -> i64 {
    sqlx::migrate!("./migrations/sqlite").iter().map(|m| m.version).max().unwrap_or(0)
}

/// An existing SQLite file, opened without creating anything; waits up to 10 s for a
/// writer's lock.
pub async fn open_existing(path: &Path) -> anyhow::Result<SqliteConnection> {
    anyhow::ensure!(path.is_file(), "{} does not exist or is not a file", path.display());
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(10))
        .disable_statement_logging()
        .connect()
        .await
        .with_context(|| format!("opening {} as SQLite", path.display()))
}

/// The schema version of a Herald database; an error naming `path` when it is not one
/// (not SQLite, no migrations table, a failed migration) or is newer than this binary.
pub async fn herald_version(conn: &mut SqliteConnection, path: &Path) -> anyhow::Result<i64> {
    let not_herald = || format!("{} is not a Herald database", path.display());
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' \
         AND name IN ('_sqlx_migrations', 'workspaces', 'posts')",
    )
    .fetch_one(&mut *conn)
    .await
    .with_context(not_herald)?;
    if tables != 3 {
        bail!("{} (no Herald tables in it)", not_herald());
    }
    let row = sqlx::query(
        "SELECT MAX(version), MIN(success), \
         SUM(CASE WHEN version = 1 THEN 1 ELSE 0 END) FROM _sqlx_migrations",
    )
    .fetch_one(&mut *conn)
    .await
    .with_context(not_herald)?;
    let (version, ok, first): (Option<i64>, Option<bool>, Option<i64>) =
        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    let version = match (version, ok, first) {
        (Some(v), Some(true), Some(1)) => v,
        _ => bail!("{} (its migrations are missing or one failed)", not_herald()),
    };
    let known = known_version();
    anyhow::ensure!(
        version <= known,
        "{} is at schema version {version}, newer than this Herald knows ({known}): use the \
         Herald release that wrote it",
        path.display()
    );
    Ok(version)
}

/// `PRAGMA quick_check`: an error unless the file is intact.
pub async fn quick_check(conn: &mut SqliteConnection, path: &Path) -> anyhow::Result<()> {
    let verdict: String = sqlx::query_scalar("PRAGMA quick_check").fetch_one(&mut *conn).await?;
    anyhow::ensure!(verdict == "ok", "{} is damaged: {verdict}", path.display());
    Ok(())
}

/// Rows in each of [`COUNTED`], as `table: n` pairs joined by commas.
pub async fn counts(conn: &mut SqliteConnection) -> anyhow::Result<String> {
    let mut out = Vec::new();
    for table in COUNTED {
        let exists: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
        )
        .bind(table)
        .fetch_one(&mut *conn)
        .await?;
        if exists == 0 {
            continue;
        }
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *conn)
            .await?;
        out.push(format!("{table}: {n}"));
    }
    Ok(out.join(", "))
}
