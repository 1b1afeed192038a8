//! The database settings, and the `herald backup` and `herald restore` commands.

use crate::foundation::secret::Secret;
use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The backup file to write (must not exist yet).
    #[arg(long)]
    pub to: std::path::PathBuf,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// The backup to restore (a file `herald backup` wrote).
    #[arg(long)]
    pub from: std::path::PathBuf,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `postgres://…` for PostgreSQL; otherwise a SQLite file path or `sqlite://` URL.
    #[arg(long, env = "DATABASE_URL", default_value = "herald.db", hide_env_values = true)]
    pub database_url: Secret,
    /// Database connections (readers, for SQLite) in the pool.
    #[arg(long, env = "HERALD_DB_MAX_CONNECTIONS", default_value_t = 8)]
    pub db_max_connections: u32,
}
