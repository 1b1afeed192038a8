//! The SQL of notifications and their e-mail outbox, shared by both stores like the rest
//! of [`super`].
//!
//! **Each notification once.** `UNIQUE (source, user_id, kind)` makes a notification's
//! creation idempotent: the insert is `ON CONFLICT (source, user_id, kind) DO NOTHING
//! RETURNING id`, which returns a row only for the caller that created it (on PostgreSQL
//! a concurrent second insert waits for the first to commit, then does nothing). The
//! e-mail goes into the outbox in the same transaction and only for a row that insert
//! returned, so a notification has at most one e-mail, and has it if and only if it was
//! created.
//!
//! **Each e-mail held by one sender at a time.** A sender claims unsent rows whose
//! `claimed_until` is past, setting it to `now + lease` and counting the attempt, in one
//! statement: PostgreSQL skips rows another claim has locked and re-checks
//! `claimed_until` on rows whose claim committed meanwhile; SQLite runs one claim at a
//! time. Sent rows leave the `email_outbox_ready` index. A sender that crashes leaves its
//! rows claimed until the lease lapses; then another sends them (at least once, and once
//! unless a sender outlives its lease mid-send).

macro_rules! notification_columns {
    () => {
        "id, user_id, workspace_id, post_id, kind, text, source, created_at, read_at"
    };
}

/// Creates the notification unless its source, user and kind exist; returns its id if it
/// was created.
pub(in crate::storage::store) const INSERT_NOTIFICATION: &str = concat!(
    "INSERT INTO notifications (",
    notification_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL) \
     ON CONFLICT (source, user_id, kind) DO NOTHING RETURNING id"
);
/// A mail of notification `$1`, free to claim from its creation (`$5`).
pub(in crate::storage::store) const INSERT_MAIL: &str = "INSERT INTO email_outbox (id, recipient, \
    subject, body, created_at, attempts, claimed_until, sent_at) \
    VALUES ($1, $2, $3, $4, $5, 0, $5, NULL)";

/// User `$1`'s notifications, newest first, at most `$2`.
pub(in crate::storage::store) const USER_NOTIFICATIONS: &str = concat!(
    "SELECT ",
    notification_columns!(),
    " FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
);
/// [`USER_NOTIFICATIONS`] unread only (the partial index `notifications_unread`).
pub(in crate::storage::store) const USER_UNREAD_NOTIFICATIONS: &str = concat!(
    "SELECT ",
    notification_columns!(),
    " FROM notifications WHERE user_id = $1 AND read_at IS NULL \
     ORDER BY created_at DESC, id DESC LIMIT $2"
);
pub(in crate::storage::store) const UNREAD_COUNT: &str =
    "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL";
/// Marks notification `$2` of user `$1` read at `$3` if it is unread.
pub(in crate::storage::store) const MARK_READ: &str = "UPDATE notifications SET read_at = $3 \
    WHERE user_id = $1 AND id = $2 AND read_at IS NULL";

/// [`Dialect::claim_mail`](super::Dialect::claim_mail): claims up to `$3` unsent mails
/// free at `$1` until `$2`, oldest free first, returning them (in no order); the rows are
/// chosen as [`claim_overdue_sql!`](super::claim_overdue_sql) chooses them.
macro_rules! claim_mail_sql {
    ($open:literal, $close:literal) => {
        concat!(
            "UPDATE email_outbox SET claimed_until = $2, attempts = attempts + 1 WHERE ",
            $open,
            " FROM email_outbox WHERE sent_at IS NULL AND claimed_until <= $1 \
             ORDER BY claimed_until, id LIMIT $3",
            $close,
            " RETURNING id, recipient, subject, body, created_at, attempts, claimed_until"
        )
    };
}
pub(in crate::storage::store) use claim_mail_sql;

pub(in crate::storage::store) const MAIL_SENT: &str =
    "UPDATE email_outbox SET sent_at = $2 WHERE id = $1 AND sent_at IS NULL";
/// Frees unsent mail `$1` from `$2` on.
pub(in crate::storage::store) const MAIL_FAILED: &str =
    "UPDATE email_outbox SET claimed_until = $2 WHERE id = $1 AND sent_at IS NULL";
