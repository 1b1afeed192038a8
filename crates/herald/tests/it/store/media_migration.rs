//! Migration 0010 moves the media stored whole before it into chunks and totals each
//! workspace's media, on both backends: a file uploaded before the upgrade reads back the
//! same, chunk by chunk, and counts against the quota.

use herald::foundation::domain::media::CHUNK_BYTES;
use herald::storage::store::{Lifecycle, PgStore, SqliteStore, Storage};
use sqlx::migrate::Migrator;
use std::path::Path;

const OLD_BYTES: usize = 600_000;

fn old_file() -> Vec<u8> {
    (0..OLD_BYTES).map(|i| (i % 253) as u8).collect()
}

/// The backend's migrations before 0010, in a directory of their own.
fn migrations_before_0010(backend: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
    for entry in std::fs::read_dir(all).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.as_str() < "0010" {
            std::fs::copy(&path, dir.path().join(&name)).unwrap();
        }
    }
    dir
}

const OLD_WORKSPACE: &str = "INSERT INTO workspaces (id, name, profile_key, timezone, \
    requires_approval, late_approval, content_version, created_at) \
    VALUES ('ws-old', 'Old', 'PROFILE-old', 'UTC', FALSE, 'expire', 0, 0)";
const OLD_MEDIUM: &str = "INSERT INTO media (id, workspace_id, file_name, content_type, bytes, \
    sha256, data, created_by, created_at) \
    VALUES ('m-old', 'ws-old', 'old.mp4', 'video/mp4', $1, 'ab', $2, 'user:old', 0)";

/// What the upgraded store holds of the medium stored before the upgrade.
async fn assert_moved_into_chunks(store: &dyn Storage) {
    let mut file = Vec::new();
    for seq in 0.. {
        let Some(chunk) = store.media_chunk("ws-old", "m-old", seq).await.unwrap() else { break };
        assert!(chunk.len() <= CHUNK_BYTES);
        file.extend_from_slice(&chunk);
    }
    assert_eq!(file, old_file(), "the file reads back the same, chunk by chunk");
    assert_eq!(store.media_bytes("ws-old").await.unwrap(), OLD_BYTES as i64);
}

#[tokio::test]
async fn media_stored_before_0010_move_into_chunks_and_count_against_the_quota_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("herald.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let old = sqlx::SqlitePool::connect(&url).await.unwrap();
    let before = migrations_before_0010("sqlite");
    Migrator::new(before.path()).await.unwrap().run(&old).await.unwrap();
    sqlx::query(OLD_WORKSPACE).execute(&old).await.unwrap();
    let medium = sqlx::query(OLD_MEDIUM).bind(OLD_BYTES as i64).bind(old_file());
    medium.execute(&old).await.unwrap();
    old.close().await;

    let store = SqliteStore::open(path.to_str().unwrap(), 2).await.expect("upgraded");
    assert_moved_into_chunks(&store).await;
}

#[tokio::test]
async fn media_stored_before_0010_move_into_chunks_and_count_against_the_quota_on_postgres() {
    let test = concat!(module_path!(), "::postgres");
    let Some(db) = crate::support::test_database_url(test).await else { return };
    let old = sqlx::PgPool::connect(&db.url).await.unwrap();
    let before = migrations_before_0010("postgres");
    Migrator::new(before.path()).await.unwrap().run(&old).await.unwrap();
    sqlx::query(OLD_WORKSPACE).execute(&old).await.unwrap();
    let medium = sqlx::query(OLD_MEDIUM).bind(OLD_BYTES as i64).bind(old_file());
    medium.execute(&old).await.unwrap();
    old.close().await;

    let store = PgStore::open(&db.url, 2).await.expect("upgraded");
    assert_moved_into_chunks(&store).await;
    store.close().await;
}
