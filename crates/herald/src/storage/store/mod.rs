//! Storage: traits of whole operations, one per area (`access`, `posts`, `people`,
//! `sessions`, `outbox`, `media`, `library`, `metrics`, `review`, `webhooks`, `plan`, each
//! file holding its trait and its one implementation), gathered by [`Storage`], and
//! implemented once by [`SqlStore`] for SQLite and PostgreSQL. Every post mutation is one
//! transaction that writes the post, appends its audit event and bumps the workspace's
//! content version, guarded by the post's `version` (optimistic concurrency). No backend
//! type leaks through this trait.
//!
//! People (users, memberships, sessions, invitations) are stored by whole operations too:
//! a password change ends the user's sessions in its transaction, an invitation is
//! accepted once with its membership in one transaction, and no membership change leaves
//! a workspace without an admin ([`StoreError::LastAdmin`]), however concurrent.
//!
//! Planning: posts are listed with filters, text search and two sorts (`sql::search`
//! argues that both backends find the same posts for ordinary words), laid out on a
//! calendar by their time, and claimed for publishing in due order, per workspace or all.
//!
//! Side effects happen exactly once across instances: a notification is created once per
//! source, user and kind, with its e-mail in the outbox in the same transaction; the
//! outbox, the event feed and analytics refreshes are each claimed by one instance at a
//! time, with a lease after which a crashed claimer's work is claimed again, and an
//! overdue approval is handed out once ever (`sql::notify`, `sql::feed` and
//! `sql::planning` give the arguments). Analytics never go back in time: an older figure
//! arriving late is ignored (`sql::metrics`).
//!
//! Both backends run the same statements, written once in `sql`; `backend` runs each
//! operation's body on either pool; `sqlite` and `postgres` hold only what differs
//! (opening, pools, a few statements). `rows` maps rows to domain
//! records, `error` sqlx failures to [`StoreError`]; `query` and `records` are the
//! operations' own records.

mod access;
mod backend;
mod error;
mod library;
mod media;
mod metrics;
mod outbox;
mod people;
mod plan;
mod planned;
pub mod postgres;
mod posts;
mod query;
mod records;
mod review;
mod rows;
mod sessions;
mod sql;
pub mod sqlite;
mod webhooks;

use std::sync::Arc;

pub use access::AccessStore;
pub use backend::{Lifecycle, SqlStore};
pub use error::{constraint, StoreError};
pub use library::LibraryStore;
pub use media::MediaStore;
pub use metrics::MetricsStore;
pub use outbox::OutboxStore;
pub use people::PeopleStore;
pub use plan::PlanStore;
pub use planned::{PlanOutcome, Planned};
pub use postgres::PgStore;
pub use posts::PostStore;
pub use query::{query_words, Cursor, DueQuery, ListQuery, Page, Sort, MAX_WORDS};
pub use records::{Acceptance, Accepted, ClaimFn, ClaimToken, Committed, Counts, EventClaim};
pub use records::{FeedEvent, FreshnessFigures, NewEvent, TokenRecord};
pub use review::ReviewStore;
pub use sessions::SessionStore;
pub use sqlite::SqliteStore;
pub use webhooks::WebhookStore;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The whole store: every area's operations. Services take the areas they call
/// (`Arc<dyn MediaStore>`, upcast from `Arc<dyn Storage>`, one field per area for two or
/// three); only what reads four or more areas holds this.
pub trait Storage:
    Lifecycle
    + AccessStore
    + PostStore
    + PeopleStore
    + SessionStore
    + OutboxStore
    + MediaStore
    + LibraryStore
    + MetricsStore
    + ReviewStore
    + WebhookStore
    + PlanStore
{
}

impl<T> Storage for T where
    T: Lifecycle
        + AccessStore
        + PostStore
        + PeopleStore
        + SessionStore
        + OutboxStore
        + MediaStore
        + LibraryStore
        + MetricsStore
        + ReviewStore
        + WebhookStore
        + PlanStore
{
}

/// Opens the store a `DATABASE_URL` names and runs its migrations: `postgres://…` or,
/// otherwise, a SQLite file (`sqlite://path`, `sqlite:path` or a bare path).
pub async fn open(url: &str, max_connections: u32) -> anyhow::Result<Arc<dyn Storage>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PgStore::open(url, max_connections).await?;
        return Ok(Arc::new(store));
    }
    let store = SqliteStore::open(url, max_connections).await?;
    Ok(Arc::new(store))
}
