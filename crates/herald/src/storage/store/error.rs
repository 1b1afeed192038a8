//! Why a storage operation failed, and how sqlx failures read as such (one mapping for
//! both backends). Database failures keep the `sqlx::Error` as their source, so the whole
//! chain reaches the log; a duplicate carries only the violated constraint's name, never
//! the database's message.

use sqlx::error::DatabaseError;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The post is no longer at the version the change was based on.
    #[error("the post was changed meanwhile; it is now at version {current}")]
    VersionConflict { current: i64 },
    /// The row to change does not exist, or one the change refers to does not (an unknown
    /// workspace or user).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken. `constraint` names it the same way on both backends
    /// (PostgreSQL's names, see [`constraint`]).
    #[error("duplicate value for {constraint}")]
    Duplicate { constraint: String },
    /// The change would leave a workspace without an admin.
    #[error("a workspace must keep an admin")]
    LastAdmin,
    /// The invitation was already accepted, or was withdrawn, or has expired.
    #[error("the invitation was used, withdrawn or has expired")]
    Gone,
    /// The request cannot be served as asked, because of the value of `field` (a listing
    /// cursor of another sort than the listing's).
    #[error("invalid {field}: {message}")]
    Invalid { field: &'static str, message: &'static str },
    /// The database cannot be reached or is shutting down (or the store was closed).
    #[error("database unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// A stored value could not be read back: an unknown enum name or bad JSON.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// Anything else the database reported.
    #[error("database error")]
    Other(#[source] sqlx::Error),
}

/// The names [`StoreError::Duplicate`] carries for the schema's unique constraints.
pub mod constraint {
    /// Workspace names are unique.
    pub const WORKSPACE_NAME: &str = "workspaces_name_key";
    /// A token hash identifies one token.
    pub const TOKEN_HASH: &str = "tokens_token_hash_key";
    /// One user per e-mail address (stored lowercased, so whatever its case).
    pub const USER_EMAIL: &str = "users_email_key";
    /// A user id identifies one user.
    pub const USER_ID: &str = "users_pkey";
    /// A session hash identifies one session.
    pub const SESSION_ID: &str = "sessions_pkey";
    /// An invitation's token hash identifies one invitation.
    pub const INVITATION_TOKEN_HASH: &str = "invitations_token_hash_key";
    /// One membership per user and workspace.
    pub const MEMBERSHIP: &str = "memberships_pkey";
    /// A notification id identifies one notification.
    pub const NOTIFICATION_ID: &str = "notifications_pkey";
    /// A medium's id identifies one medium.
    pub const MEDIA_ID: &str = "media_pkey";
}

/// A refused, timed-out or closed connection is `Unavailable` (the API answers 503), a
/// unique violation `Duplicate`, a missing row (or a reference to one) `NotFound`.
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(e)
            }
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Duplicate { constraint: constraint_name(db.as_ref()) }
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => StoreError::Other(e),
        }
    }
}

/// SQLite's extended result code for a primary key violation.
const SQLITE_CONSTRAINT_PRIMARYKEY: &str = "1555";

/// The violated constraint's name. PostgreSQL reports it. SQLite does not: its message
/// lists the columns instead (`UNIQUE constraint failed: tokens.token_hash`), from which
/// PostgreSQL's default name is rebuilt (`tokens_token_hash_key`, or `tokens_pkey` for a
/// primary key), so both backends name a constraint alike.
fn constraint_name(db: &dyn DatabaseError) -> String {
    if let Some(name) = db.constraint() {
        return name.to_owned();
    }
    let Some(list) = db.message().strip_prefix("UNIQUE constraint failed: ") else {
        return "unknown".to_owned();
    };
    let columns: Vec<(&str, &str)> = list.split(", ").filter_map(|c| c.split_once('.')).collect();
    let Some((table, _)) = columns.first() else {
        return "unknown".to_owned();
    };
    if db.code().as_deref() == Some(SQLITE_CONSTRAINT_PRIMARYKEY) {
        return format!("{table}_pkey");
    }
    let names: Vec<&str> = columns.iter().map(|(_, column)| *column).collect();
    format!("{table}_{}_key", names.join("_"))
}
