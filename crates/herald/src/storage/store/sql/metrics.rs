//! The SQL of analytics, shared by both stores like the rest of [`super`]: figures per
//! post and network, and per account and network.
//!
//! **Figures never go back.** Saving figures is an upsert whose update applies only
//! `WHERE stored.as_of IS NULL OR stored.as_of < new.as_of`: an older figure arriving late
//! (a slow refresh, a retried one) changes nothing, and of two concurrent saves the later
//! `as_of` wins whatever the order they commit in (PostgreSQL re-checks the condition on
//! the row the first one wrote).
//!
//! **Each refresh claimed by one refresher.** Claiming sets `refresh_claimed_until` on
//! rows due at `now` whose claim lapsed, in one statement, as the e-mail outbox does (see
//! `notify`). Saving figures or scheduling the next refresh releases the claim.
//!
//! Post figures are listed by the post's time, which each row keeps (`posted_at`): a post
//! made outside Herald has no `posts` row to join.

macro_rules! post_metrics_columns {
    () => {
        "workspace_id, post_id, ayrshare_id, platform, posted_at, metrics, as_of, \
         next_refresh_at"
    };
}

/// Writes a post's figures unless the stored ones are as new or newer; releases its
/// refresh claim. The post's identity (workspace, post, time) is kept from the first
/// write unless this one knows the Herald post.
pub(in crate::storage::store) const SAVE_POST_METRICS: &str = concat!(
    "INSERT INTO post_metrics (",
    post_metrics_columns!(),
    ", refresh_claimed_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0) \
     ON CONFLICT (ayrshare_id, platform) DO UPDATE SET \
     post_id = COALESCE(excluded.post_id, post_metrics.post_id), \
     metrics = excluded.metrics, as_of = excluded.as_of, \
     next_refresh_at = excluded.next_refresh_at, refresh_claimed_until = 0 \
     WHERE post_metrics.as_of IS NULL OR post_metrics.as_of < excluded.as_of"
);
/// Workspace `$1`'s post figures with their post time in `[$2, $3)`, by time.
pub(in crate::storage::store) const POST_METRICS: &str = concat!(
    "SELECT ",
    post_metrics_columns!(),
    " FROM post_metrics WHERE workspace_id = $1 AND posted_at >= $2 AND posted_at < $3 \
     AND as_of IS NOT NULL ORDER BY posted_at, ayrshare_id, platform"
);
/// The texts of workspace `$1`'s Herald posts that have figures with their post time in
/// `[$2, $3)` (the posts [`POST_METRICS`] names).
pub(in crate::storage::store) const POST_TEXTS_OF_METRICS: &str = "SELECT id, text FROM posts \
     WHERE workspace_id = $1 AND id IN (SELECT post_id FROM post_metrics WHERE workspace_id = $1 \
     AND posted_at >= $2 AND posted_at < $3 AND as_of IS NOT NULL AND post_id IS NOT NULL)";
/// Workspace `$1`'s figures of Herald post `$2`, by network.
pub(in crate::storage::store) const FIGURES_OF_POST: &str = concat!(
    "SELECT ",
    post_metrics_columns!(),
    " FROM post_metrics WHERE workspace_id = $1 AND post_id = $2 AND as_of IS NOT NULL \
     ORDER BY platform, ayrshare_id"
);
/// Sets the next refresh of a post's figures on one network to `$6` and releases any
/// claim, creating the row (without figures) if there is none.
pub(in crate::storage::store) const SCHEDULE_REFRESH: &str =
    "INSERT INTO post_metrics (workspace_id, \
    post_id, ayrshare_id, platform, posted_at, metrics, as_of, next_refresh_at, \
    refresh_claimed_until) VALUES ($1, $2, $3, $4, $5, '{}', NULL, $6, 0) \
    ON CONFLICT (ayrshare_id, platform) DO UPDATE SET \
    next_refresh_at = excluded.next_refresh_at, refresh_claimed_until = 0";

/// [`Dialect::claim_refreshes`](super::Dialect::claim_refreshes): claims up to `$3`
/// figures due at `$1` whose claim lapsed, until `$2`, earliest due first, returning them
/// (in no order) with their due time; the rows are chosen as
/// [`claim_overdue_sql!`](super::claim_overdue_sql) chooses them.
macro_rules! claim_refreshes_sql {
    ($open:literal, $close:literal) => {
        concat!(
            "UPDATE post_metrics SET refresh_claimed_until = $2 WHERE ",
            $open,
            " FROM post_metrics WHERE next_refresh_at <= $1 AND refresh_claimed_until <= $1 \
             ORDER BY next_refresh_at, ayrshare_id, platform LIMIT $3",
            $close,
            " RETURNING workspace_id, post_id, ayrshare_id, platform, posted_at, next_refresh_at"
        )
    };
}
pub(in crate::storage::store) use claim_refreshes_sql;

pub(in crate::storage::store) const SAVE_ACCOUNT_METRICS: &str = "INSERT INTO account_metrics \
    (workspace_id, platform, metrics, as_of) VALUES ($1, $2, $3, $4) \
    ON CONFLICT (workspace_id, platform) DO UPDATE SET metrics = excluded.metrics, \
    as_of = excluded.as_of WHERE account_metrics.as_of < excluded.as_of";
pub(in crate::storage::store) const ACCOUNT_METRICS: &str =
    "SELECT workspace_id, platform, metrics, as_of \
    FROM account_metrics WHERE workspace_id = $1 ORDER BY platform";

/// One instance's freshness-monitor totals (G11), replacing its previous ones.
pub(in crate::storage::store) const SAVE_FRESHNESS: &str = "INSERT INTO freshness_counts \
    (instance_id, checked, violations, since, updated_at) VALUES ($1, $2, $3, $4, $5) \
    ON CONFLICT (instance_id) DO UPDATE SET checked = excluded.checked, \
    violations = excluded.violations, updated_at = excluded.updated_at";

/// Every instance's freshness-monitor totals, summed, and the earliest start.
pub(in crate::storage::store) const FRESHNESS_TOTALS: &str = "SELECT \
    CAST(COALESCE(SUM(checked), 0) AS BIGINT), CAST(COALESCE(SUM(violations), 0) AS BIGINT), \
    MIN(since) FROM freshness_counts";
