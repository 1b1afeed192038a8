//! [`SqlStore`], the one store type of both backends, and how an operation written once
//! runs on either: the store holds a [`Pool`] (an enum of sqlx's SQLite and PostgreSQL
//! pools) and a transaction is a [`Tx`] (the same enum of transactions). An operation is
//! ordinary code in a plain `impl` block; each statement goes through [`on_pool!`] or
//! [`on_tx!`], whose body is an ordinary expression compiled once per backend:
//!
//! ```ignore
//! let row: Option<WorkspaceRow> =
//!     on_pool!(&self.read, |p| sqlx::query_as(WORKSPACE_BY_ID).bind(id).fetch_optional(p).await?);
//! ```
//!
//! Why this and not the alternatives (tried before choosing):
//! - `sqlx::Any` decodes into its own row type (a copy of every row), has no chrono
//!   types, and hides the backend from the error mapping (constraint names) and from the
//!   statements that differ; each row type would also have to decode from `AnyRow`.
//! - A generic `impl<DB: Database> … for SqlStore<DB>` needs, on every operation or on a
//!   helper trait, the higher-ranked bounds of each bound and decoded type
//!   (`for<'q> &'q str: Encode<'q, DB> + Type<DB>`, `&mut DB::Connection: Executor`,
//!   `Row: for<'r> FromRow<'r, DB::Row>`, …) and `Send` proofs for `#[async_trait]`'s
//!   futures that the compiler cannot carry through associated types. Only
//!   `bind_post` (`sql::steps`) is generic, with its few bounds written out.
//! - The enum costs one `match` per statement, and the compiler checks each body on
//!   both backends, pointing at the line of the operation itself.
//!
//! The statements that differ between the backends are a [`Dialect`] each pool knows.

use super::sql::Dialect;
use super::Result;
use async_trait::async_trait;
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};

/// A pool of either backend.
#[derive(Clone)]
pub(in crate::storage::store) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction of either backend, begun by [`Pool::begin`]; dropped without
/// [`Tx::commit`], it rolls back.
pub(in crate::storage::store) enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// The connection of a [`Tx`], for [`on_tx!`].
pub(in crate::storage::store) enum Conn<'t> {
    Sqlite(&'t mut SqliteConnection),
    Postgres(&'t mut PgConnection),
}

impl Pool {
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// The backend's statements where they differ.
    pub fn dialect(&self) -> &'static Dialect {
        match self {
            Pool::Sqlite(_) => &super::sqlite::DIALECT,
            Pool::Postgres(_) => &super::postgres::DIALECT,
        }
    }

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        match self {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// The backend's statements where they differ.
    pub fn dialect(&self) -> &'static Dialect {
        match self {
            Tx::Sqlite(_) => &super::sqlite::DIALECT,
            Tx::Postgres(_) => &super::postgres::DIALECT,
        }
    }

    /// The transaction's connection, for [`on_tx!`].
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(tx) => Conn::Sqlite(tx),
            Tx::Postgres(tx) => Conn::Postgres(tx),
        }
    }
}

/// Runs `$body` with `$p` bound to the backend's pool of `$pool` (a `&Pool`): the body is
/// compiled once per backend and must have one type on both (take `rows_affected()`
/// inside, not the backend's query result).
macro_rules! on_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            $crate::storage::store::backend::Pool::Sqlite($p) => $body,
            $crate::storage::store::backend::Pool::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the connection of `$tx` (a `Tx` or `&mut Tx`), as
/// [`on_pool!`] does. The body cannot use `$tx` itself: read the dialect before.
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx.conn() {
            $crate::storage::store::backend::Conn::Sqlite($c) => $body,
            $crate::storage::store::backend::Conn::Postgres($c) => $body,
        }
    };
}
pub(in crate::storage::store) use {on_pool, on_tx};

/// The store of both backends: reads on `read`, writes and transactions on `write`. On
/// SQLite they are two pools (one writer, readers beside it); on PostgreSQL one pool
/// twice.
#[derive(Clone)]
pub struct SqlStore {
    pub(in crate::storage::store) read: Pool,
    pub(in crate::storage::store) write: Pool,
}

impl SqlStore {
    pub(in crate::storage::store) fn new(read: Pool, write: Pool) -> Self {
        Self { read, write }
    }

    /// The backend's statements where they differ.
    pub(in crate::storage::store) fn dialect(&self) -> &'static Dialect {
        self.write.dialect()
    }
}

/// What every store does whatever the area: answer a ping and close.
#[async_trait]
pub trait Lifecycle: Send + Sync + 'static {
    /// Cheap round trip, for `/readyz`.
    async fn ping(&self) -> Result<()>;
    /// Closes the store on shutdown, waiting for operations in flight; any operation
    /// after it fails as [`StoreError::Unavailable`](super::StoreError::Unavailable).
    async fn close(&self);
}

#[async_trait]
impl Lifecycle for SqlStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn ping(&self) -> Result<()> {
        on_pool!(&self.read, |p| sqlx::query(super::sql::PING).execute(p).await?.rows_affected());
        Ok(())
    }

    /// Closes the read pool, then the write pool, waiting for connections in use: on
    /// SQLite the last connection to close checkpoints the WAL. (PostgreSQL passes its
    /// one pool as both; closing a closed pool returns at once.)
    #[tracing::instrument(level = "debug", skip_all)]
    async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}
