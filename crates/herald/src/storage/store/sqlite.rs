//! The SQLite store: one file in WAL mode, migrations embedded and run at open. Its
//! operations are the shared ones of [`SqlStore`]; this file opens the pools and says
//! how SQLite writes the statements that differ.
//!
//! SQLite allows one writer at a time, so writes go through a pool of exactly one
//! connection (transactions queue in the pool instead of failing with "database is
//! locked") and reads through a separate pool that WAL lets run beside the writer.

use super::backend::{Pool, SqlStore};
use super::sql::search::FTS5;
use super::sql::webhooks_out;
use super::sql::{claim_mail_sql, claim_overdue_sql, claim_refreshes_sql, feed_events_sql};
use super::sql::{insert_event_sql, last_settled_sql, platform_load_sql, Dialect};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// Opens the SQLite store: a [`SqlStore`] whose write pool has exactly one connection
/// (every write and every transaction) and whose read pool serves plain reads beside it.
pub struct SqliteStore;

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` and migrates it.
    pub async fn open(url: &str, max_readers: u32) -> anyhow::Result<SqlStore> {
        let url =
            if url.starts_with("sqlite:") { url.to_owned() } else { format!("sqlite://{url}") };
        let options = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(max_readers.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(SqlStore::new(Pool::Sqlite(read), Pool::Sqlite(write)))
    }
}

pub(super) const DIALECT: Dialect = Dialect {
    // Nothing to lock: claims run on the one write connection, one transaction at a time.
    claim_lock: "",
    platform_counts: "SELECT p.value, COUNT(*) FROM posts, json_each(posts.platforms) AS p \
        WHERE workspace_id = $1 GROUP BY p.value",
    // Nothing to lock either: the one write connection runs one transaction at a time.
    row_lock: "",
    platform_load: platform_load_sql!(
        "EXISTS (SELECT 1 FROM json_each(posts.platforms) AS p WHERE p.value = $2)"
    ),
    has_platform: |n| {
        format!("EXISTS (SELECT 1 FROM json_each(posts.platforms) AS p WHERE p.value = ${n})")
    },
    text_search: FTS5,
    // One writer: transactions commit one after the other, so the highest seq + 1 (read
    // under the write lock) follows commit order, all in "transaction" 0.
    insert_event: insert_event_sql!(
        ", txn, seq",
        ", 0, (SELECT IFNULL(MAX(seq), 0) + 1 FROM post_events WHERE txn = 0)"
    ),
    // Every committed event is settled: there is no other writer in flight.
    feed_events: feed_events_sql!(""),
    last_settled: last_settled_sql!(""),
    claim_overdue: claim_overdue_sql!("rowid IN (SELECT rowid", ")"),
    claim_mail: claim_mail_sql!("rowid IN (SELECT rowid", ")"),
    claim_refreshes: claim_refreshes_sql!("rowid IN (SELECT rowid", ")"),
    claim_webhooks: webhooks_out::claim_webhooks_sql!("rowid IN (SELECT rowid", ")"),
};
