//! Operations on a database at rest or in use: `herald backup` and `herald restore`.
//!
//! SQLite (the default) is one file, so Herald copies it itself: [`backup`] writes a
//! consistent snapshot with `VACUUM INTO` while Herald keeps serving and writing, and
//! [`restore`] puts such a copy in place of the database, refusing while a Herald uses it.
//! PostgreSQL has its own tools (`pg_dump`, `pg_restore`); for a `postgres://` URL both
//! commands refuse and print the command to run instead.
//!
//! "In use" is decided by an advisory lock ([`lock`]) that `herald serve` holds, shared,
//! on a file beside the database (`herald.db.lock`) for its whole life, and `restore`
//! takes exclusively. The alternatives are weaker: a PID file outlives a crash and names a
//! PID the system may have reused; the presence of `-wal`/`-shm` files says nothing (they
//! survive a crash and vanish after a clean close); SQLite's own locks are held only
//! during a transaction, so an idle Herald holds none. A `flock` is released by the
//! kernel when the process ends however it ends (SIGKILL included), so it is never stale,
//! and while `restore` holds it no `serve` can start on the file it is replacing. The
//! limit: `flock` is per host and unreliable on network file systems; keep the database on
//! a local disk (SQLite needs that anyway).
//!
//! [`database`] recognises a Herald database: one that sqlx's migrations table says was
//! migrated by Herald, at no schema version newer than this binary knows.

pub mod backup;
pub mod database;
pub mod lock;
pub mod restore;

use crate::foundation::secret::Secret;

/// Where a `DATABASE_URL` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Postgres,
    SqliteMemory,
    SqliteFile(std::path::PathBuf),
}

impl Location {
    /// Reads `DATABASE_URL` as [`crate::storage::store::open`] does.
    pub fn of(url: &Secret) -> Self {
        let url = url.expose();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Self::Postgres;
        }
        let path =
            url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        let path = path.split('?').next().unwrap_or_default();
        if path.is_empty() || path == ":memory:" || url.contains("mode=memory") {
            return Self::SqliteMemory;
        }
        Self::SqliteFile(path.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(url: &str) -> Location {
        Location::of(&Secret::new(url))
    }

    #[test]
    fn database_urls_are_read_as_the_store_reads_them() {
        assert_eq!(of("herald.db"), Location::SqliteFile("herald.db".into()));
        assert_eq!(
            of("sqlite:///var/lib/herald/h.db?mode=rwc"),
            Location::SqliteFile("/var/lib/herald/h.db".into())
        );
        assert_eq!(of("sqlite:data/h.db"), Location::SqliteFile("data/h.db".into()));
        assert_eq!(of("sqlite::memory:"), Location::SqliteMemory);
        assert_eq!(of("postgres://u:p@db/herald"), Location::Postgres);
        assert_eq!(of("postgresql://db/herald"), Location::Postgres);
    }
}
