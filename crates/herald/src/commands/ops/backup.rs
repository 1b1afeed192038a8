//! `herald backup --to FILE`: a consistent copy of the SQLite database, taken while Herald
//! runs and writes. `VACUUM INTO` reads the database in one read transaction (in WAL mode
//! writers carry on meanwhile) and writes a compacted, self-contained copy (no `-wal`
//! file to go with it) of exactly what was committed when it began. The copy is written
//! beside FILE under a temporary name and renamed when complete and checked, so FILE is
//! never half written. For PostgreSQL it refuses and prints the `pg_dump` command.

use super::database::{self, open_existing};
use super::Location;
use crate::commands::config::BackupArgs;
use anyhow::{bail, Context};
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a backup wrote.
#[derive(Debug)]
pub struct Report {
    pub file: PathBuf,
    pub bytes: u64,
    pub millis: u128,
    pub counts: String,
}

/// The `pg_dump` command that backs up a PostgreSQL database (the URL stays in the
/// environment: it holds the password).
pub const PG_DUMP: &str =
    "pg_dump --format=custom --no-owner --file=herald.dump --dbname=\"$DATABASE_URL\"";

pub async fn run(args: &BackupArgs) -> anyhow::Result<Report> {
    let source = match Location::of(&args.database.database_url) {
        Location::SqliteFile(path) => path,
        Location::SqliteMemory => bail!("an in-memory database cannot be backed up"),
        Location::Postgres => bail!(
            "DATABASE_URL is a PostgreSQL database: back it up with PostgreSQL's own tool,\n  \
             {PG_DUMP}\n(see docs/OPERATIONS.md)"
        ),
    };
    anyhow::ensure!(
        !args.to.exists(),
        "{} already exists; choose a new file (a backup never overwrites one)",
        args.to.display()
    );
    let started = Instant::now();
    let mut conn = open_existing(&source).await?;
    database::herald_version(&mut conn, &source).await?;
    let partial = partial_name(&args.to);
    let _ = std::fs::remove_file(&partial);
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .with_context(|| format!("copying {} into {}", source.display(), partial.display()));
    conn.close().await?;
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    let counts = check_copy(&partial).await.inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    std::fs::rename(&partial, &args.to)
        .with_context(|| format!("renaming {} to {}", partial.display(), args.to.display()))?;
    let bytes = std::fs::metadata(&args.to)?.len();
    Ok(Report { file: args.to.clone(), bytes, millis: started.elapsed().as_millis(), counts })
}

/// Opens the copy: it must be an intact Herald database; returns its row counts.
async fn check_copy(path: &Path) -> anyhow::Result<String> {
    let mut copy = open_existing(path).await?;
    database::herald_version(&mut copy, path).await?;
    database::quick_check(&mut copy, path).await?;
    let counts = database::counts(&mut copy).await?;
    copy.close().await?;
    Ok(counts)
}

/// `FILE.partial`, beside FILE (so the final rename stays on one file system).
fn partial_name(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    file.with_file_name(name)
}
