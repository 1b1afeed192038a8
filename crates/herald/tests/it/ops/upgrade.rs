//! Upgrades in place: for every schema version in `migrations/` (found there, so a new
//! migration is covered without touching this file), a database is built at that version
//! the way the releases built it (migrate to 0001, write 0001's rows, migrate to 0002,
//! write 0002's rows, …), then opened with the current code, which migrates it to the
//! latest version; every row must still be there (row counts per table) with its values
//! (a few read back), and the store must read it. On both backends.
//!
//! The rows live in `seeds/NNNN.sql`, one per migration, the same SQL for both backends
//! where they agree, or in `seeds/{sqlite,postgres}/NNNN.sql` where they do not (a byte
//! string, a default). A migration without a seed fails the test, and so does a table of
//! the latest schema left empty by the seeds: whoever adds a migration extends the seeds.

use crate::support::services::test_database_url;
use sqlx::migrate::{Migration, Migrator};
use sqlx::{Connection, Executor, PgConnection, SqliteConnection};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn dir(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// This backend's tables (not sqlx's, not SQLite's own, virtual or shadow tables).
    fn tables_sql(self) -> &'static str {
        match self {
            Backend::Sqlite => {
                "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 AND table_name <> '_sqlx_migrations' ORDER BY table_name"
            }
        }
    }
}

fn manifest(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The schema versions, from the migration files' names (`NNNN_name.sql`).
fn versions(backend: Backend) -> Vec<i64> {
    let dir = manifest("migrations").join(backend.dir());
    let mut versions: Vec<i64> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.split('_').next()?.parse().ok()
        })
        .collect();
    versions.sort();
    versions
}

/// The rows written at `version` (a missing seed fails the test, saying what to add).
fn seed(backend: Backend, version: i64) -> String {
    let seeds = manifest("tests/it/ops/seeds");
    let file = format!("{version:04}.sql");
    let own = seeds.join(backend.dir()).join(&file);
    let path = if own.exists() { own } else { seeds.join(&file) };
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "migration {version:04} has no seed: add {} with rows for what it adds",
            path.display()
        )
    })
}

/// The migrations in `migrations/`, read at run time as sqlx reads them at build time.
async fn migrator(backend: Backend) -> Migrator {
    Migrator::new(manifest("migrations").join(backend.dir())).await.expect("the migrations")
}

/// A connection to either backend (sqlx's `Any` driver is not built here).
enum Conn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// Runs the same call on whichever connection `$conn` holds.
macro_rules! on {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => $body,
            Conn::Postgres($c) => $body,
        }
    };
}

impl Conn {
    async fn open(backend: Backend, url: &str) -> Conn {
        match backend {
            Backend::Sqlite => Conn::Sqlite(SqliteConnection::connect(url).await.unwrap()),
            Backend::Postgres => Conn::Postgres(PgConnection::connect(url).await.unwrap()),
        }
    }

    /// Applies the migrations up to and including `version`.
    async fn migrate_to(&mut self, backend: Backend, version: i64) {
        let mut migrator = migrator(backend).await;
        let upto: Vec<Migration> =
            migrator.migrations.iter().filter(|m| m.version <= version).cloned().collect();
        migrator.migrations = Cow::Owned(upto);
        let ran = on!(self, c => migrator.run(c).await);
        ran.unwrap_or_else(|e| panic!("migrating to {version:04}: {e}"));
    }

    async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        on!(self, c => c.execute(sqlx::raw_sql(sql)).await.map(|_| ()))
    }

    async fn text(&mut self, sql: &str) -> Result<String, sqlx::Error> {
        on!(self, c => sqlx::query_scalar(sql).fetch_one(c).await)
    }

    async fn texts(&mut self, sql: &str) -> Vec<String> {
        on!(self, c => sqlx::query_scalar(sql).fetch_all(c).await.unwrap())
    }

    async fn number(&mut self, sql: &str) -> i64 {
        on!(self, c => sqlx::query_scalar(sql).fetch_one(c).await.unwrap())
    }

    async fn close(self) {
        on!(self, c => c.close().await.unwrap())
    }

    /// Rows per table.
    async fn counts(&mut self, backend: Backend) -> BTreeMap<String, i64> {
        let mut counts = BTreeMap::new();
        for table in self.texts(backend.tables_sql()).await {
            let n = self.number(&format!("SELECT COUNT(*) FROM {table}")).await;
            counts.insert(table, n);
        }
        counts
    }
}

/// Values read back after the upgrade: (the version whose seed wrote them, query, value).
const VALUES: &[(i64, &str, &str)] = &[
    (1, "SELECT name || '|' || profile_key || '|' || CAST(content_version AS TEXT) FROM workspaces WHERE id = 'up-ws'", "Upgrade|PROFILE-KEY-UP|3"),
    (1, "SELECT text || '|' || status || '|' || platforms FROM posts WHERE id = 'up-post-1'", "Seeded at 0001: searchable spring launch|published|[\"twitter\",\"linkedin\"]"),
    (1, "SELECT actor || '|' || COALESCE(comment, '') || '|' || to_status FROM post_events WHERE id = 'up-ev-2'", "approver@example.com|ship it|published"),
    (1, "SELECT CAST(received_at AS TEXT) FROM webhook_deliveries WHERE hook_id = 'up-hook-1'", "1700000000400"),
    (2, "SELECT email || '|' || name FROM users WHERE id = 'up-user-1'", "editor@example.com|Eddie Editor"),
    (2, "SELECT x_api_key || '|' || x_api_secret FROM workspaces WHERE id = 'up-ws'", "x-key-up|x-secret-up"),
    (2, "SELECT created_by FROM tokens WHERE id = 'up-token-1'", "up-user-1"),
    (2, "SELECT role FROM invitations WHERE id = 'up-invite-1'", "viewer"),
    (3, "SELECT CAST(overdue_reported_at AS TEXT) FROM posts WHERE id = 'up-post-3'", "1700000002600"),
    (4, "SELECT subject || '|' || CAST(sent_at AS TEXT) FROM email_outbox WHERE id = 'up-note-1'", "Published: spring launch|1700000003100"),
    // The file's bytes live in media_chunks since 0010 (media.data is emptied).
    (5, "SELECT file_name || '|' || CAST((SELECT SUM(length(c.data)) FROM media_chunks c WHERE c.media_id = media.id) AS TEXT) || '|' || thumbnail_type FROM media WHERE id = 'up-media-1'", "logo.png|8|image/jpeg"),
    (6, "SELECT metrics FROM post_metrics WHERE ayrshare_id = 'ayr-up-1' AND platform = 'twitter'", "{\"likes\":7,\"shares\":2}"),
    (6, "SELECT metrics FROM account_metrics WHERE workspace_id = 'up-ws'", "{\"followers\":1200}"),
    (9, "SELECT issued_by FROM tokens WHERE id = 'up-token-1'", "user:up-user-1"),
    (9, "SELECT issued_by FROM tokens WHERE id = 'up-token-2'", "token:up-token-1"),
    (12, "SELECT client_ip FROM sessions WHERE id_hash = 'up-session-hash-2'", "198.51.100.7"),
];

/// Builds a database at `version` on `url`, upgrades it with the current code, and checks
/// that every row survived.
async fn upgrade_from(backend: Backend, url: &str, version: i64) {
    let mut conn = Conn::open(backend, url).await;
    for step in versions(backend).into_iter().filter(|v| *v <= version) {
        conn.migrate_to(backend, step).await;
        conn.execute(&seed(backend, step))
            .await
            .unwrap_or_else(|e| panic!("seed {step:04} on {backend:?}: {e}"));
    }
    let before = conn.counts(backend).await;
    conn.close().await;

    let store = herald::storage::store::open(url, 2).await.unwrap_or_else(|e| {
        panic!("the current code does not open a {backend:?} database at {version:04}: {e:#}")
    });
    let ws = store.workspace("up-ws").await.unwrap().expect("the seeded workspace reads");
    assert_eq!(ws.name, "Upgrade");
    let posts = store.counts("up-ws").await.unwrap();
    store.close().await;

    let mut conn = Conn::open(backend, url).await;
    let after = conn.counts(backend).await;
    for (table, n) in &before {
        assert_eq!(
            after.get(table),
            Some(n),
            "{backend:?} {version:04}: rows of {table} after the upgrade"
        );
    }
    assert_eq!(posts.total, before["posts"], "the store reads every post");
    for (since, sql, expected) in VALUES.iter().filter(|(since, ..)| *since <= version) {
        let got = conn.text(sql).await.unwrap_or_else(|e| {
            panic!("{backend:?} {version:04}: {sql} (seeded at {since:04}): {e}")
        });
        assert_eq!(&got, expected, "{backend:?} from {version:04}: {sql}");
    }
    conn.close().await;
    if version == *versions(backend).last().unwrap() {
        let empty: Vec<&String> = before.iter().filter(|(_, n)| **n == 0).map(|(t, _)| t).collect();
        assert!(
            empty.is_empty(),
            "{backend:?}: the seeds leave tables of the latest schema empty: {empty:?}"
        );
    }
    println!("{backend:?}: upgraded from {version:04} keeping {before:?}");
}

#[test]
fn both_backends_have_the_same_schema_versions() {
    assert_eq!(versions(Backend::Sqlite), versions(Backend::Postgres));
    assert!(versions(Backend::Sqlite).len() >= 7, "0001..0007 at least");
}

#[tokio::test]
async fn sqlite_databases_of_every_schema_version_upgrade_keeping_every_row() {
    for version in versions(Backend::Sqlite) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
        upgrade_from(Backend::Sqlite, &url, version).await;
    }
}

#[tokio::test]
async fn postgres_databases_of_every_schema_version_upgrade_keeping_every_row() {
    for version in versions(Backend::Postgres) {
        let test = "postgres_databases_of_every_schema_version_upgrade_keeping_every_row";
        let Some(db) = test_database_url(test).await else { return };
        upgrade_from(Backend::Postgres, &db.url, version).await;
    }
}
