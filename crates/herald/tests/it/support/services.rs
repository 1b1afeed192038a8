//! The services a suite may need beyond SQLite: a fresh PostgreSQL database on
//! `HERALD_TEST_DATABASE_URL`'s server and the Redis of `HERALD_TEST_REDIS_URL`. Without
//! them a test says `skipped: …` on stderr (written past libtest's capture, in one write)
//! and passes; CI sets both and fails on any such line.

use std::io::Write;

/// Says that `test` was skipped and why.
pub fn skipped(test: &str, why: &str) {
    let _ = std::io::stderr().write_all(format!("skipped: {why} ({test})\n").as_bytes());
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `HERALD_TEST_REDIS_URL`, or `None` after saying `test` was skipped.
pub fn test_redis_url(test: &str) -> Option<String> {
    let url = var("HERALD_TEST_REDIS_URL");
    if url.is_none() {
        skipped(test, "HERALD_TEST_REDIS_URL not set");
    }
    url
}

/// A fresh PostgreSQL database, dropped when this is dropped (unless it is a
/// [`TestDatabase::shared`] handle of one owned elsewhere).
pub struct TestDatabase {
    pub url: String,
    admin: String,
    name: String,
    owner: bool,
}

impl TestDatabase {
    /// Another handle on the same database, for one more app; dropping it drops nothing.
    pub fn shared(&self) -> TestDatabase {
        let (url, admin, name) = (self.url.clone(), self.admin.clone(), self.name.clone());
        TestDatabase { url, admin, name, owner: false }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if !self.owner {
            return;
        }
        let (admin, sql) =
            (self.admin.clone(), format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        // Drop runs outside any async context we may block: a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async move {
                    use sqlx::{Connection, Executor};
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                        let _ = conn.execute(sql.as_str()).await;
                    }
                });
            }
        })
        .join();
    }
}

/// A new, empty PostgreSQL database on `HERALD_TEST_DATABASE_URL`'s server, or `None`
/// after saying `test` was skipped.
pub async fn test_database_url(test: &str) -> Option<TestDatabase> {
    use sqlx::{Connection, Executor};
    let Some(admin) = var("HERALD_TEST_DATABASE_URL") else {
        skipped(test, "HERALD_TEST_DATABASE_URL not set");
        return None;
    };
    let name = format!("herald_api_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connect to PostgreSQL");
    conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create database");
    let mut url = url::Url::parse(&admin).expect("a URL");
    url.set_path(&name);
    Some(TestDatabase { url: url.to_string(), admin, name, owner: true })
}
