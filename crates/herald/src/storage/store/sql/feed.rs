//! The event feed: the audit events of every post in commit order, read by named
//! consumers (the notifier) that each claim "the events after my position, up to N" and
//! then advance their position, exactly once across instances.
//!
//! **An order that follows commits.** `post_events.id` is a UUIDv7 taken from the
//! writer's clock before commit: two instances' clocks differ, and a transaction that
//! took an earlier id may commit later, so a reader that had moved past a later id would
//! never see the earlier one. A sequence has the same flaw on PostgreSQL (values are taken
//! in start order, not commit order). So each event carries a position `(txn, seq)`:
//!
//! - SQLite has one writer, so commits are serial: `txn` is 0 and `seq` is the highest
//!   `seq` + 1, read in the inserting statement under the write lock. Positions grow in
//!   commit order.
//! - PostgreSQL: `txn` is the inserting transaction's id (`pg_current_xact_id()`, 64-bit,
//!   never wrapping) and `seq` comes from an identity sequence (ordering a transaction's
//!   own events). A reader takes only events of transactions older than every
//!   transaction still running (`txn < pg_snapshot_xmin(pg_current_snapshot())`): those
//!   have all ended, so no event can later appear at a position below one already read.
//!   An event waits until the transactions that took an id before its own have ended, in
//!   any database of the cluster (transaction ids are the cluster's): a long transaction
//!   delays the feed, never reorders it.
//!
//! **One claimer at a time.** A consumer's row in `cursors` holds its position and, while
//! claimed, a `claim_id` and `claimed_until`. Claiming is one transaction: take the row
//! if its claim lapsed (an `UPDATE … WHERE claimed_until <= now`, which on PostgreSQL
//! waits for a concurrent claimer's commit and then re-checks, finding the row taken;
//! SQLite claims one at a time), then read the events after its position. So two
//! instances never hold one consumer's range at once. `advance` moves the position and
//! releases the row only with the claim's `claim_id`, never past the claimed range and
//! never back. A claimer that crashes never advances: once its lease lapses the next
//! claimer reads the same range again. One that is merely slower than its lease loses
//! the claim (`advance` says false) and its range is handled again; notifications stay
//! single because one source, user and kind make one notification.
//!
//! A consumer that never claimed starts at the end of the feed (the last settled
//! position): it hears of what is committed after it first asks, not of the history.

/// [`Dialect::insert_event`](super::Dialect::insert_event): an event of the post change
/// (`$1`…`$10`: the event's columns, then its workspace) with its feed position, the
/// backend's `txn` and `seq` columns and values.
macro_rules! insert_event_sql {
    ($columns:literal, $values:literal) => {
        concat!(
            "INSERT INTO post_events (id, post_id, actor, action, comment, from_status, \
             to_status, version, at, workspace_id",
            $columns,
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10",
            $values,
            ")"
        )
    };
}
pub(in crate::storage::store) use insert_event_sql;

/// [`Dialect::feed_events`](super::Dialect::feed_events): up to `$3` events after
/// position (`$1`, `$2`) in feed order, of settled transactions only (`$settled`, the
/// backend's further condition: none on SQLite).
macro_rules! feed_events_sql {
    ($settled:literal) => {
        concat!(
            "SELECT txn, seq, workspace_id, id, post_id, actor, action, comment, from_status, \
             to_status, version, at FROM post_events WHERE (txn, seq) > ($1, $2)",
            $settled,
            " ORDER BY txn, seq LIMIT $3"
        )
    };
}
pub(in crate::storage::store) use feed_events_sql;

/// [`Dialect::last_settled`](super::Dialect::last_settled): the position of the feed's
/// last settled event, where a new consumer starts.
macro_rules! last_settled_sql {
    ($settled:literal) => {
        concat!(
            "SELECT txn, seq FROM post_events WHERE txn >= 0",
            $settled,
            " ORDER BY txn DESC, seq DESC LIMIT 1"
        )
    };
}
pub(in crate::storage::store) use last_settled_sql;

/// Creates consumer `$1` at position (`$2`, `$3`) unless it exists.
pub(in crate::storage::store) const START_CURSOR: &str = "INSERT INTO cursors (name, txn, seq, \
    claim_id, claimed_until) VALUES ($1, $2, $3, NULL, 0) ON CONFLICT (name) DO NOTHING";

/// Takes consumer `$1`'s row for claim `$2` until `$3` if its claim lapsed by `$4`;
/// returns its position.
pub(in crate::storage::store) const TAKE_CURSOR: &str = "UPDATE cursors SET claim_id = $2, \
    claimed_until = $3 WHERE name = $1 AND claimed_until <= $4 RETURNING txn, seq";

/// The feed position of event `$1`.
pub(in crate::storage::store) const EVENT_POSITION: &str =
    "SELECT txn, seq FROM post_events WHERE id = $1";

/// Moves consumer `$1` held by claim `$2` to position (`$3`, `$4`), forward only, and
/// releases it.
pub(in crate::storage::store) const ADVANCE_CURSOR: &str =
    "UPDATE cursors SET txn = $3, seq = $4, \
    claim_id = NULL, claimed_until = 0 WHERE name = $1 AND claim_id = $2 \
    AND (txn, seq) < ($3, $4)";
