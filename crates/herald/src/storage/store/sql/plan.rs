//! The SQL of planning tools — the posting queue, keyed posts (import rows, feed items)
//! and RSS / Atom feeds — and their rows; their operations are
//! [`PlanStore`](crate::storage::store::PlanStore)'s.
//!
//! **No two queue additions get the same slot, on any number of instances.** Every
//! queue addition and every change of a queue starts its transaction with
//! [`LOCK_QUEUE`], an `UPDATE` of the workspace's one `workspace_queues` row: PostgreSQL
//! holds that row lock until the transaction ends, so a second addition waits there; on
//! SQLite the statement takes the database's write lock (one writer at a time). Only
//! then does the addition read the slots already taken ([`TAKEN_TIMES`]; under READ
//! COMMITTED every statement sees what the previous lock holder committed) and write its
//! post at the first free slot. Additions for one workspace are thus one after the
//! other, each seeing the slots of all before it: no two share a slot.
//!
//! **A key names one post, once.** `post_keys` has `PRIMARY KEY (workspace_id, key)`; a
//! keyed post's transaction inserts its key first with `ON CONFLICT DO NOTHING` and
//! writes the post only if the key row was written. A concurrent writer of the same key
//! waits on the uncommitted key (PostgreSQL's unique index check) and then writes
//! nothing, so a feed item or an import row becomes at most one post across instances
//! and restarts, whatever the interleaving.
//!
//! **A feed is polled by one instance at a time.** [`CLAIM_RSS_FEED`] sets its lease only
//! if the previous one ended; the poller releases it with the result.

use crate::foundation::domain::model::from_ms;
use crate::foundation::domain::plan::{Feed, Slot};
use crate::storage::store::rows::networks;
use crate::storage::store::{Result, StoreError};

/// The statuses whose posts do not hold a slot (API.md: draft, failed, cancelled,
/// deleted).
macro_rules! slot_free_statuses {
    () => {
        "('draft', 'failed', 'cancelled', 'deleted')"
    };
}

pub(in crate::storage::store) const QUEUE_OF: &str =
    "SELECT slots, paused FROM workspace_queues WHERE workspace_id = $1";
/// Takes the workspace's queue lock (see the module docs); returns `paused`.
pub(in crate::storage::store) const LOCK_QUEUE: &str = "UPDATE workspace_queues \
    SET claims = claims + 1 WHERE workspace_id = $1 RETURNING paused";
/// Writes the queue's settings, taking its lock.
pub(in crate::storage::store) const UPSERT_QUEUE: &str = "INSERT INTO workspace_queues \
    (workspace_id, slots, paused, claims, updated_at) VALUES ($1, $2, $3, 1, $4) \
    ON CONFLICT (workspace_id) DO UPDATE SET slots = $2, paused = $3, \
    claims = workspace_queues.claims + 1, updated_at = $4";
/// The times in `[$2, $3]` at which a post of workspace `$1` holds a slot.
pub(in crate::storage::store) const TAKEN_TIMES: &str = concat!(
    "SELECT schedule_at FROM posts WHERE workspace_id = $1 AND schedule_at >= $2 \
     AND schedule_at <= $3 AND status NOT IN ",
    slot_free_statuses!()
);
pub(in crate::storage::store) const INSERT_QUEUED: &str = "INSERT INTO queued_posts (post_id, \
    workspace_id) VALUES ($1, $2) ON CONFLICT (post_id) DO NOTHING";
/// The workspace's scheduled queued posts, held (`$2` true) or not, by time then id.
pub(in crate::storage::store) const QUEUED_SCHEDULED: &str = concat!(
    "SELECT ",
    post_columns!(),
    " FROM posts WHERE workspace_id = $1 AND status = 'scheduled' \
     AND id IN (SELECT post_id FROM queued_posts WHERE workspace_id = $1) \
     AND (CASE WHEN waiting_for = 'queue_paused' THEN 1 ELSE 0 END) = $2 \
     ORDER BY schedule_at, id"
);
pub(in crate::storage::store) const INSERT_POST_KEY: &str = "INSERT INTO post_keys \
    (workspace_id, key, post_id) VALUES ($1, $2, $3) ON CONFLICT (workspace_id, key) DO NOTHING";

macro_rules! rss_feed_columns {
    () => {
        "id, workspace_id, url, platforms, template, created_at, last_checked_at, last_error"
    };
}

pub(in crate::storage::store) const INSERT_RSS_FEED: &str = concat!(
    "INSERT INTO feeds (",
    rss_feed_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)"
);
pub(in crate::storage::store) const WORKSPACE_RSS_FEEDS: &str = concat!(
    "SELECT ",
    rss_feed_columns!(),
    " FROM feeds WHERE workspace_id = $1 ORDER BY created_at, id"
);
pub(in crate::storage::store) const DELETE_RSS_FEED: &str =
    "DELETE FROM feeds WHERE workspace_id = $1 AND id = $2";
/// Feeds last checked before `$1` (or never) whose lease ended by `$2`, oldest check
/// first, at most `$3`.
pub(in crate::storage::store) const DUE_RSS_FEEDS: &str = concat!(
    "SELECT ",
    rss_feed_columns!(),
    " FROM feeds WHERE (last_checked_at IS NULL OR last_checked_at <= $1) \
     AND (claimed_until IS NULL OR claimed_until <= $2) \
     ORDER BY COALESCE(last_checked_at, 0), id LIMIT $3"
);
/// Leases feed `$1` until `$3` if its lease ended by `$2`.
pub(in crate::storage::store) const CLAIM_RSS_FEED: &str = "UPDATE feeds SET claimed_until = $3 \
    WHERE id = $1 AND (claimed_until IS NULL OR claimed_until <= $2)";
/// Records a poll of feed `$1` at `$2` with its error (`$3`), releasing the lease.
pub(in crate::storage::store) const RSS_FEED_CHECKED: &str =
    "UPDATE feeds SET last_checked_at = $2, \
    last_error = $3, claimed_until = NULL WHERE id = $1";

#[derive(sqlx::FromRow)]
pub(in crate::storage::store) struct QueueRow {
    pub slots: String,
    pub paused: bool,
}

impl TryFrom<QueueRow> for crate::foundation::domain::plan::Queue {
    type Error = StoreError;
    fn try_from(r: QueueRow) -> Result<Self> {
        let slots: Vec<Slot> = serde_json::from_str(&r.slots)
            .map_err(|e| StoreError::Corrupt(format!("queue slots: {e}")))?;
        Ok(Self { slots, paused: r.paused })
    }
}

pub(in crate::storage::store) fn slots_json(slots: &[Slot]) -> String {
    serde_json::to_string(slots).unwrap_or_else(|_| "[]".into())
}

#[derive(sqlx::FromRow)]
pub(in crate::storage::store) struct RssFeedRow {
    pub id: String,
    pub workspace_id: String,
    pub url: String,
    pub platforms: String,
    pub template: Option<String>,
    pub created_at: i64,
    pub last_checked_at: Option<i64>,
    pub last_error: Option<String>,
}

impl TryFrom<RssFeedRow> for Feed {
    type Error = StoreError;
    fn try_from(r: RssFeedRow) -> Result<Self> {
        let platforms = networks("feed platforms", &r.platforms, &r.id)?;
        Ok(Feed {
            id: r.id,
            workspace_id: r.workspace_id,
            url: r.url,
            platforms,
            template: r.template,
            created_at: from_ms(r.created_at),
            last_checked_at: r.last_checked_at.map(from_ms),
            last_error: r.last_error,
        })
    }
}

/// The first of `slots` not in `taken`, which it joins.
pub(in crate::storage::store) fn first_free(
    slots: &[chrono::DateTime<chrono::Utc>],
    taken: &mut std::collections::HashSet<i64>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let at = *slots.iter().find(|at| !taken.contains(&at.timestamp_millis()))?;
    taken.insert(at.timestamp_millis());
    Some(at)
}

pub(in crate::storage::store) const NO_QUEUE: StoreError =
    StoreError::Invalid { field: "queue", message: "this workspace has no queue slots" };
pub(in crate::storage::store) const QUEUE_FULL: StoreError = StoreError::Invalid {
    field: "queue",
    message: "every queue slot of the next two years is taken",
};
