//! The SQL both backends run, written once, and the steps of the transactions that use
//! it. The operations are plain `impl` blocks of [`SqlStore`](super::SqlStore), one per
//! area trait in `storage/store/<area>.rs`; `store::backend` says how one body runs on both
//! backends (and why an enum of pools rather than `sqlx::Any` or a generic executor).
//!
//! Placeholders are `$N` everywhere: PostgreSQL numbers them, and sqlx's SQLite driver
//! binds `$N` to argument N, so a value used twice in a statement is bound once. Where
//! PostgreSQL needs a parameter's type, `CAST(… AS …)` says it in a form SQLite parses
//! too. What the backends write differently is a [`Dialect`].
//!
//! Per area, `sql/<area>.rs` holds the statements (people in `people`, planning in
//! `planning`, the post listing and text search in `search`, notifications and their
//! outbox in `notify`, the event feed in `feed`, media in `media`, analytics in
//! `metrics`, comments and review links in `review`, the posting queue, keyed posts and
//! feeds in `plan`, outgoing webhooks in `webhooks_out`, the compose library in
//! `compose`) and `sql/<area>_steps.rs` the helpers run inside a transaction (`steps`:
//! a post change; `people_steps`, `notify_steps`). Macros remain only to write SQL text
//! (`concat!` of column lists and of the statements a [`Dialect`] varies).

use crate::foundation::domain::PostStatus;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The post columns a change writes, bound as `$1`…`$16` by both [`INSERT_POST`] and
/// [`UPDATE_POST`] (whose `SET` list names them in this order too).
macro_rules! post_change_columns {
    () => {
        "text, platforms, media_urls, status, schedule_at, version, updated_at, published_at, \
         ayrshare_id, platform_results, lease_until, publish_key, publish_attempts, \
         publish_targets, waiting_for, compose"
    };
}

/// All post columns: those a change writes, then those fixed at insert.
macro_rules! post_columns {
    () => {
        concat!(
            $crate::storage::store::sql::post_change_columns!(),
            ", id, workspace_id, author, created_at"
        )
    };
}
pub(in crate::storage::store) use {post_change_columns, post_columns};

macro_rules! workspace_columns {
    () => {
        "id, name, profile_key, timezone, requires_approval, late_approval, content_version, \
         created_at, x_api_key, x_api_secret"
    };
}

macro_rules! token_columns {
    () => {
        "id, workspace_id, role, name, token_hash, created_at, revoked_at, created_by, issued_by"
    };
}

macro_rules! event_columns {
    () => {
        "id, post_id, actor, action, comment, from_status, to_status, version, at"
    };
}

pub(super) const PING: &str = "SELECT 1";

pub(super) const INSERT_WORKSPACE: &str = concat!(
    "INSERT INTO workspaces (",
    workspace_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
);
pub(super) const WORKSPACE_BY_ID: &str =
    concat!("SELECT ", workspace_columns!(), " FROM workspaces WHERE id = $1");
pub(super) const WORKSPACE_BY_NAME: &str =
    concat!("SELECT ", workspace_columns!(), " FROM workspaces WHERE name = $1");
pub(super) const ALL_WORKSPACES: &str =
    concat!("SELECT ", workspace_columns!(), " FROM workspaces ORDER BY created_at, id");
/// Settings only: the content version is the post changes' to bump.
pub(super) const UPDATE_WORKSPACE: &str = "UPDATE workspaces SET name = $2, profile_key = $3, \
    timezone = $4, requires_approval = $5, late_approval = $6, x_api_key = $7, \
    x_api_secret = $8 WHERE id = $1";
pub(super) const CONTENT_VERSION: &str = "SELECT content_version FROM workspaces WHERE id = $1";
pub(super) const BUMP_CONTENT_VERSION: &str = "UPDATE workspaces \
    SET content_version = content_version + 1 WHERE id = $1 RETURNING content_version";

pub(super) const INSERT_TOKEN: &str = concat!(
    "INSERT INTO tokens (",
    token_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)"
);
pub(super) const TOKEN_BY_HASH: &str =
    concat!("SELECT ", token_columns!(), " FROM tokens WHERE token_hash = $1");
pub(super) const WORKSPACE_TOKENS: &str = concat!(
    "SELECT ",
    token_columns!(),
    " FROM tokens WHERE workspace_id = $1 ORDER BY created_at, id"
);
pub(super) const REVOKE_TOKEN: &str = "UPDATE tokens SET revoked_at = $3 \
    WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL";

pub(super) const INSERT_POST: &str = concat!(
    "INSERT INTO posts (",
    post_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
     $19, $20)"
);
/// Guarded by the version the change was based on (`$19`): no row changes if it moved on.
pub(super) const UPDATE_POST: &str = "UPDATE posts SET text = $1, platforms = $2, \
    media_urls = $3, status = $4, schedule_at = $5, version = $6, updated_at = $7, \
    published_at = $8, ayrshare_id = $9, platform_results = $10, lease_until = $11, \
    publish_key = $12, publish_attempts = $13, publish_targets = $14, waiting_for = $15, compose = $16 \
    WHERE id = $17 AND workspace_id = $18 AND version = $19";
pub(super) const POST_VERSION: &str =
    "SELECT version FROM posts WHERE workspace_id = $1 AND id = $2";
pub(super) const POST_BY_ID: &str =
    concat!("SELECT ", post_columns!(), " FROM posts WHERE workspace_id = $1 AND id = $2");
/// The posts of workspace `$1` whose id is one of `$2`…`$n+1`.
pub(super) fn posts_by_ids_sql(n: usize) -> String {
    let ids: Vec<String> = (2..n + 2).map(|i| format!("${i}")).collect();
    format!(
        "SELECT {} FROM posts WHERE workspace_id = $1 AND id IN ({})",
        post_columns!(),
        ids.join(", ")
    )
}
pub(super) const POST_BY_AYRSHARE_ID: &str =
    concat!("SELECT ", post_columns!(), " FROM posts WHERE ayrshare_id = $1");
pub(super) const STATUS_COUNTS: &str =
    "SELECT status, COUNT(*) FROM posts WHERE workspace_id = $1 GROUP BY status";
pub(super) const POST_EVENTS: &str = concat!(
    "SELECT ",
    event_columns!(),
    " FROM post_events WHERE post_id = $1 ORDER BY version, at"
);

/// The post statuses that load a network: what counts against a network cap.
pub(super) const LOAD_STATUSES: [PostStatus; 4] = [
    PostStatus::Scheduled,
    PostStatus::Publishing,
    PostStatus::Published,
    PostStatus::PartiallyPublished,
];

/// [`Dialect::platform_load`] from the backend's test that a post's `platforms` (JSON
/// text) include `$2`: how many posts of workspace `$1` in one of [`LOAD_STATUSES`]
/// (`$5`…`$8`) have their time (`schedule_at`, else `published_at`) in `[$3, $4)`. The
/// time is written as the `posts_load` index's expression, so the index serves it.
macro_rules! platform_load_sql {
    ($includes_platform:literal) => {
        concat!(
            "SELECT COUNT(*) FROM posts WHERE workspace_id = $1 \
             AND status IN ($5, $6, $7, $8) \
             AND COALESCE(schedule_at, published_at) >= $3 \
             AND COALESCE(schedule_at, published_at) < $4 AND ",
            $includes_platform
        )
    };
}
pub(super) use platform_load_sql;

pub(super) const FIRST_DELIVERY: &str = "INSERT INTO webhook_deliveries (hook_id, received_at) \
    VALUES ($1, $2) ON CONFLICT DO NOTHING";

/// The statement text that differs between the backends.
pub(super) struct Dialect {
    /// Appended to the due posts' read in the claiming transaction.
    pub claim_lock: &'static str,
    /// `(platform, count)` rows of workspace `$1`'s posts, a post counting once for each
    /// of its platforms (stored as a JSON array of names).
    pub platform_counts: &'static str,
    /// Appended to a read in a transaction whose rows the transaction's decision rests
    /// on (the admins of a workspace, a membership): they stay as read until it ends.
    pub row_lock: &'static str,
    /// The count of [`platform_load_sql!`].
    pub platform_load: &'static str,
    /// The condition that a post's platforms include parameter `$n`.
    pub has_platform: fn(usize) -> String,
    /// How the backend searches posts' text.
    pub text_search: search::TextSearch,
    /// [`insert_event_sql!`]: an event with its feed position.
    pub insert_event: &'static str,
    /// [`feed_events_sql!`]: the settled events after a position.
    pub feed_events: &'static str,
    /// [`last_settled_sql!`]: where a new consumer of the feed starts.
    pub last_settled: &'static str,
    /// [`claim_overdue_sql!`]. This claim, [`Dialect::claim_mail`] and
    /// [`Dialect::claim_refreshes`] update the rows they choose in a subquery, chosen by
    /// physical row id (SQLite's `rowid IN (SELECT rowid …)`, PostgreSQL's
    /// `ctid = ANY(ARRAY(SELECT ctid … FOR UPDATE SKIP LOCKED))`): PostgreSQL then runs
    /// the choice once and fetches the chosen rows by id, where `key IN (subquery)` may be
    /// planned, for a statement prepared once, as a hash join over the whole table. A row
    /// the choice locked cannot move before the update, so its `ctid` holds.
    pub claim_overdue: &'static str,
    /// [`claim_mail_sql!`], rows chosen as for [`Dialect::claim_overdue`].
    pub claim_mail: &'static str,
    /// [`claim_refreshes_sql!`], rows chosen as for [`Dialect::claim_overdue`].
    pub claim_refreshes: &'static str,
    /// [`claim_webhooks_sql!`], rows chosen as for [`Dialect::claim_overdue`].
    pub claim_webhooks: &'static str,
}

/// The end of a lease of `lease` taken at `now` (saturating).
pub(super) fn lease_end(now: DateTime<Utc>, lease: Duration) -> DateTime<Utc> {
    let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    now.checked_add_signed(lease).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A row count as the `u32` the operations give.
pub(super) fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

pub(super) mod compose;
mod feed;
mod media;
mod metrics;
mod notify;
mod notify_steps;
mod people;
mod people_steps;
pub(super) mod plan;
mod planning;
pub(super) mod review;
pub(super) mod search;
mod steps;
pub(super) mod webhooks_out;

pub(super) use feed::*;
pub(super) use media::*;
pub(super) use metrics::*;
pub(super) use notify::*;
pub(super) use notify_steps::*;
pub(super) use people::*;
pub(super) use people_steps::*;
pub(super) use plan::*;
pub(super) use planning::*;
pub(super) use review::*;
pub(super) use steps::*;
pub(super) use webhooks_out::*;
