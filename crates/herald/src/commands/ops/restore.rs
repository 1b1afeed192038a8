//! `herald restore --from FILE`: puts a backup in place of the SQLite database named by
//! `DATABASE_URL`. It refuses unless FILE is an intact Herald database no newer than
//! this binary, and refuses while any Herald serves the database (it takes the lock of
//! [`super::lock`] exclusively, and keeps it until done, so none can start meanwhile).
//!
//! The backup is copied beside the database (`VACUUM INTO`, so FILE is never changed)
//! and renamed over it. The database it replaces is kept as `<database>.pre-restore`
//! (with its `-wal` file, if a crash left one): a stale `-wal` beside the restored file
//! would otherwise be replayed into it. For PostgreSQL it refuses and prints the
//! `pg_restore` command.

use super::database::{self, open_existing};
use super::lock::{self, LockError};
use super::Location;
use crate::commands::config::RestoreArgs;
use anyhow::{bail, Context};
use sqlx::Connection;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The `pg_restore` command that restores a `pg_dump --format=custom` file.
pub const PG_RESTORE: &str =
    "pg_restore --clean --if-exists --no-owner --single-transaction --dbname=\"$DATABASE_URL\" herald.dump";

/// What a restore did.
#[derive(Debug)]
pub struct Report {
    pub database: PathBuf,
    /// Where the replaced database now is, if there was one.
    pub previous: Option<PathBuf>,
    pub version: i64,
    pub counts: String,
}

pub async fn run(args: &RestoreArgs) -> anyhow::Result<Report> {
    let target = match Location::of(&args.database.database_url) {
        Location::SqliteFile(path) => path,
        Location::SqliteMemory => bail!("an in-memory database cannot be restored into"),
        Location::Postgres => bail!(
            "DATABASE_URL is a PostgreSQL database: restore it with PostgreSQL's own tool, with \
             every Herald stopped,\n  {PG_RESTORE}\n(see docs/OPERATIONS.md)"
        ),
    };
    let mut source = open_existing(&args.from).await?;
    let version = database::herald_version(&mut source, &args.from).await?;
    database::quick_check(&mut source, &args.from).await?;
    let _lock = lock::exclusive(&target).map_err(|e| match e {
        LockError::Held(lock) => anyhow::anyhow!(
            "{} is in use by a running Herald (it holds {}): stop every Herald that uses it, \
             then restore",
            target.display(),
            lock.display()
        ),
        LockError::Io(e) => e,
    })?;
    let incoming = with_suffix(&target, ".restoring");
    let _ = std::fs::remove_file(&incoming);
    sqlx::query("VACUUM INTO $1")
        .bind(incoming.to_string_lossy().into_owned())
        .execute(&mut source)
        .await
        .with_context(|| format!("copying {} beside {}", args.from.display(), target.display()))?;
    source.close().await?;
    let previous = set_aside(&target)?;
    std::fs::rename(&incoming, &target)
        .with_context(|| format!("renaming {} to {}", incoming.display(), target.display()))?;
    let mut restored = open_existing(&target).await?;
    let counts = database::counts(&mut restored).await?;
    restored.close().await?;
    Ok(Report { database: target, previous, version, counts })
}

/// Moves the database being replaced (and a `-wal` left by a crash) to
/// `<database>.pre-restore`, and drops its `-shm` index.
fn set_aside(target: &Path) -> anyhow::Result<Option<PathBuf>> {
    let kept = with_suffix(target, ".pre-restore");
    let _ = std::fs::remove_file(with_suffix(&kept, "-wal"));
    let _ = std::fs::remove_file(with_suffix(target, "-shm"));
    let wal = with_suffix(target, "-wal");
    if wal.exists() {
        std::fs::rename(&wal, with_suffix(&kept, "-wal"))
            .with_context(|| format!("moving {} aside", wal.display()))?;
    }
    if !target.exists() {
        return Ok(None);
    }
    std::fs::rename(target, &kept).with_context(|| format!("moving {} aside", target.display()))?;
    Ok(Some(kept))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}
