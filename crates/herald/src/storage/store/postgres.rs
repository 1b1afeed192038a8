//! The PostgreSQL store, for the scaled mode: one pool shared by any number of Herald
//! instances, migrations embedded and run at open. Its operations are the shared ones of
//! [`SqlStore`], statement for statement the SQLite store's; this file opens the pool
//! and says how PostgreSQL writes the statements that differ.
//!
//! What differs is how concurrency is handled. Every post change is one transaction
//! guarded by the post's `version`, and `claim_due` (like the claims of overdue
//! approvals, e-mails and analytics refreshes) locks the rows it claims with
//! `FOR UPDATE SKIP LOCKED`, so instances claiming at once each get different rows
//! instead of waiting on each other. The event feed reads only settled transactions. A membership change locks the workspace's admin rows
//! `FOR UPDATE` before deciding that an admin remains. A refused connection surfaces as a
//! pool timeout, that is [`StoreError::Unavailable`](super::StoreError::Unavailable).

use super::backend::{Pool, SqlStore};
use super::sql::search::TSQUERY;
use super::sql::webhooks_out;
use super::sql::{claim_mail_sql, claim_overdue_sql, claim_refreshes_sql, feed_events_sql};
use super::sql::{insert_event_sql, last_settled_sql, platform_load_sql, Dialect};
use anyhow::Context;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;

/// How long an operation waits for a pooled connection (or for the server to accept a
/// new one) before it fails as unavailable, which the API answers with 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens the PostgreSQL store: a [`SqlStore`] with one pool for reads and writes
/// (PostgreSQL runs concurrent writers itself).
pub struct PgStore;

impl PgStore {
    /// Connects to the database at `url` (`postgres://…`) with a pool of at most
    /// `max_connections` and migrates it. Several instances may open it at once: sqlx
    /// serialises migrations with an advisory lock.
    pub async fn open(url: &str, max_connections: u32) -> anyhow::Result<SqlStore> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await
            .context("connecting to PostgreSQL")?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .context("migrating the PostgreSQL database")?;
        Ok(SqlStore::new(Pool::Postgres(pool.clone()), Pool::Postgres(pool)))
    }
}

pub(super) const DIALECT: Dialect = Dialect {
    // The due rows are locked in the transaction that writes the claims: a concurrent
    // claimer skips them rather than waiting, and one that read them before this commit
    // finds them changed when it re-checks the locked row, so its guarded update misses.
    claim_lock: " FOR UPDATE SKIP LOCKED",
    // `platforms` is JSON text (one row mapping for both backends), read here as jsonb.
    platform_counts: "SELECT p.value, COUNT(*) \
        FROM posts, jsonb_array_elements_text(posts.platforms::jsonb) AS p(value) \
        WHERE workspace_id = $1 GROUP BY p.value",
    // Rows a membership change decides on (the workspace's admins) stay as read until it
    // commits: a concurrent change waits, then re-reads them.
    row_lock: " FOR UPDATE",
    platform_load: platform_load_sql!(
        "posts.platforms::jsonb @> jsonb_build_array(CAST($2 AS TEXT))"
    ),
    has_platform: |n| format!("posts.platforms::jsonb @> jsonb_build_array(CAST(${n} AS TEXT))"),
    text_search: TSQUERY,
    // The inserting transaction's id orders the feed, seq (an identity) its own events.
    insert_event: insert_event_sql!(", txn", ", pg_current_xact_id()::text::bigint"),
    // Only transactions older than every one still running: they have all ended, so no
    // event can later appear before a position read (see store::sql::feed).
    feed_events: feed_events_sql!(
        " AND txn < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
    ),
    last_settled: last_settled_sql!(
        " AND txn < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
    ),
    // The other claims lock the rows they choose, as claim_due does: a concurrent claimer
    // skips them, and re-checks those whose claim committed meanwhile.
    claim_overdue: claim_overdue_sql!("ctid = ANY(ARRAY(SELECT ctid", " FOR UPDATE SKIP LOCKED))"),
    claim_mail: claim_mail_sql!("ctid = ANY(ARRAY(SELECT ctid", " FOR UPDATE SKIP LOCKED))"),
    claim_refreshes: claim_refreshes_sql!(
        "ctid = ANY(ARRAY(SELECT ctid",
        " FOR UPDATE SKIP LOCKED))"
    ),
    claim_webhooks: webhooks_out::claim_webhooks_sql!(
        "ctid = ANY(ARRAY(SELECT ctid",
        " FOR UPDATE SKIP LOCKED))"
    ),
};

/// The statement PostgreSQL runs for a post listing, with its arguments written as SQL
/// literals in place: for `EXPLAIN` in benchmarks (`examples/bench_planning`), never for
/// running queries.
pub fn listing_statement(
    workspace_id: &str,
    q: &super::ListQuery,
) -> Result<String, super::StoreError> {
    use super::sql::search::{posts_page, Arg};
    let built = posts_page(workspace_id, q, &DIALECT.text_search, DIALECT.has_platform)?;
    let mut sql = built.sql;
    for (i, arg) in built.args.iter().enumerate().rev() {
        let literal = match arg {
            Arg::Text(t) => format!("'{}'", t.replace('\'', "''")),
            Arg::Int(n) => n.to_string(),
        };
        sql = sql.replace(&format!("${}", i + 1), &literal);
    }
    Ok(sql)
}
