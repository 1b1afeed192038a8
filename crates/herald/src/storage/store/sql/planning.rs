//! The SQL of planning, shared by both stores like the rest of [`super`]: posts due to
//! publish (per workspace, in due order), the calendar, and overdue approvals.
//!
//! A post's due time is one expression, [`due_at!`], which the `posts_due` and
//! `posts_due_by_workspace` indexes are built on; the statements repeat it and the
//! indexes' `WHERE` verbatim, which is what lets both planners use them (an index on an
//! expression serves only that expression, a partial index only a query implying its
//! condition). A post's time, [`post_time!`], is `posts_by_time`'s expression likewise.

/// When a post is due: a scheduled post at its `schedule_at`, a publishing one 1 ms after
/// its lease ends (so `due <= now` is `lease_until < now`); NULL for other statuses.
macro_rules! due_at {
    () => {
        "(CASE status WHEN 'scheduled' THEN schedule_at WHEN 'publishing' THEN lease_until + 1 END)"
    };
}

/// The condition of the due indexes, with which every due query starts.
macro_rules! due_statuses {
    () => {
        "status IN ('scheduled', 'publishing')"
    };
}

/// Not held by a paused queue (API.md "Plan": such posts stay `scheduled`, labelled
/// `queue_paused`, until the queue resumes); appended to every due query.
macro_rules! not_held {
    () => {
        " AND (waiting_for IS NULL OR waiting_for <> 'queue_paused')"
    };
}

/// A post's time: scheduled, else published, else created ([`Post::time`]).
///
/// [`Post::time`]: crate::foundation::domain::Post::time
macro_rules! post_time {
    () => {
        "(COALESCE(schedule_at, published_at, created_at))"
    };
}
pub(in crate::storage::store) use post_time;

/// The due posts of every workspace at `$1`, in due order, at most `$2`; the claiming
/// backend appends its [`Dialect::claim_lock`](super::Dialect::claim_lock).
pub(in crate::storage::store) const DUE_POSTS: &str = concat!(
    "SELECT ",
    post_columns!(),
    " FROM posts WHERE ",
    due_statuses!(),
    " AND ",
    due_at!(),
    " <= $1",
    not_held!(),
    " ORDER BY ",
    due_at!(),
    ", id LIMIT $2"
);

/// [`DUE_POSTS`] of workspace `$3` only.
pub(in crate::storage::store) const WORKSPACE_DUE_POSTS: &str = concat!(
    "SELECT ",
    post_columns!(),
    " FROM posts WHERE ",
    due_statuses!(),
    " AND workspace_id = $3 AND ",
    due_at!(),
    " <= $1",
    not_held!(),
    " ORDER BY ",
    due_at!(),
    ", id LIMIT $2"
);

/// `(workspace, due count)` at `$1`, the workspace with the earliest due post first, at
/// most `$2` workspaces.
pub(in crate::storage::store) const DUE_BY_WORKSPACE: &str = concat!(
    "SELECT workspace_id, COUNT(*) FROM posts WHERE ",
    due_statuses!(),
    " AND ",
    due_at!(),
    " <= $1",
    not_held!(),
    " GROUP BY workspace_id ORDER BY MIN(",
    due_at!(),
    "), workspace_id LIMIT $2"
);

/// Workspace `$1`'s posts with their time in `[$2, $3)`, by time then id, at most `$4`.
pub(in crate::storage::store) const CALENDAR: &str = concat!(
    "SELECT ",
    post_columns!(),
    " FROM posts WHERE workspace_id = $1 AND ",
    post_time!(),
    " >= $2 AND ",
    post_time!(),
    " < $3 ORDER BY ",
    post_time!(),
    ", id LIMIT $4"
);

/// [`Dialect::claim_overdue`]: marks up to `$2` posts
/// pending approval whose `schedule_at` is before `$1` and which were never reported as
/// reported at `$1`, returning them (in no order). The rows are chosen in a subquery
/// between the backend's `$open` and `$close` (see [`Dialect::claim_overdue`]). Of
/// concurrent claimers, the rows one marked are gone from the partial index
/// `posts_overdue` for the others: PostgreSQL skips rows locked by a claim in flight and
/// re-checks `overdue_reported_at IS NULL` on rows whose claim committed meanwhile;
/// SQLite runs one claim at a time.
///
/// [`Dialect::claim_overdue`]: super::Dialect::claim_overdue
macro_rules! claim_overdue_sql {
    ($open:literal, $close:literal) => {
        concat!(
            "UPDATE posts SET overdue_reported_at = $1 WHERE ",
            $open,
            " FROM posts WHERE status = 'pending_approval' AND overdue_reported_at IS NULL \
             AND schedule_at < $1 ORDER BY schedule_at, id LIMIT $2",
            $close,
            " RETURNING ",
            $crate::storage::store::sql::post_columns!()
        )
    };
}
pub(in crate::storage::store) use claim_overdue_sql;
