//! Scenarios for media: stored with an optional thumbnail, read back (description, file
//! in chunks, thumbnail) by their workspace only; a workspace's media stay within the
//! quota however concurrent the uploads; a medium is found by its bytes' SHA-256.

use crate::store::harness::{assert_duplicate, workspace};
use herald::foundation::domain::media::CHUNK_BYTES;
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::{Blob, MediaRecord, Workspace};
use herald::storage::store::{constraint, Storage, StoreError};
use std::sync::Arc;

const QUOTA: i64 = 1 << 30;

fn medium(ws: &Workspace, thumbnail: Option<Blob>) -> MediaRecord {
    MediaRecord {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.id.clone(),
        file_name: "launch.png".into(),
        content_type: "image/png".into(),
        width: Some(1200),
        height: Some(630),
        sha256: "ab".repeat(32),
        created_by: "user:alice".into(),
        created_at: now_ms(),
        data: (0..=255u8).cycle().take(600_000).collect(),
        thumbnail,
    }
}

pub async fn media_are_read_back_in_chunks_by_their_workspace_only(store: Arc<dyn Storage>) {
    let (ws, other) = (workspace("Acme"), workspace("Globex"));
    store.create_workspace(&ws).await.unwrap();
    store.create_workspace(&other).await.unwrap();
    let thumb = Blob { content_type: "image/webp".into(), data: vec![1, 2, 3, 0, 255] };
    let m = medium(&ws, Some(thumb.clone()));
    assert!(store.create_media(&m, QUOTA).await.unwrap());

    let meta = store.media(&ws.id, &m.id).await.unwrap().expect("stored");
    assert_eq!(meta, m.meta());
    assert_eq!((meta.bytes, meta.thumbnail_type.as_deref()), (600_000, Some("image/webp")));
    assert_eq!(file(&*store, &ws.id, &m.id).await, m.data, "its file, chunk by chunk");
    assert_eq!(store.media_thumbnail(&ws.id, &m.id).await.unwrap(), Some(thumb));

    assert_eq!(store.media(&other.id, &m.id).await.unwrap(), None, "another workspace's");
    assert_eq!(store.media_chunk(&other.id, &m.id, 0).await.unwrap(), None);
    assert_eq!(store.media_thumbnail(&other.id, &m.id).await.unwrap(), None);
    assert_eq!(store.media(&ws.id, "no-such-media").await.unwrap(), None);
}

pub async fn a_medium_without_thumbnail_has_none_and_ids_are_unique(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let mut m = medium(&ws, None);
    (m.width, m.height, m.content_type) = (None, None, "video/mp4".into());
    assert!(store.create_media(&m, QUOTA).await.unwrap());
    let meta = store.media(&ws.id, &m.id).await.unwrap().unwrap();
    assert_eq!((meta.width, meta.height, meta.thumbnail_type), (None, None, None));
    assert_eq!(store.media_thumbnail(&ws.id, &m.id).await.unwrap(), None);

    assert!(store.create_media(&medium(&ws, None), QUOTA).await.unwrap());
    let err = store.create_media(&m, QUOTA).await.unwrap_err();
    assert_duplicate(&err, constraint::MEDIA_ID);
    let mut stray = medium(&ws, None);
    stray.workspace_id = "no-such-workspace".into();
    let err = store.create_media(&stray, QUOTA).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "got {err:?}");
}

/// A medium's file, read chunk by chunk until the store has no more.
async fn file(store: &dyn Storage, ws: &str, id: &str) -> Vec<u8> {
    let mut data = Vec::new();
    for seq in 0.. {
        match store.media_chunk(ws, id, seq).await.unwrap() {
            Some(chunk) => {
                assert!(chunk.len() <= CHUNK_BYTES, "chunk {seq} holds {}", chunk.len());
                data.extend_from_slice(&chunk);
            }
            None => return data,
        }
    }
    unreachable!()
}

pub async fn concurrent_media_never_take_a_workspace_past_its_quota(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let quota = 10 * 600_000 + 599_999;
    let stores = (0..16).map(|_| {
        let (store, m) = (store.clone(), medium(&ws, None));
        async move { store.create_media(&m, quota).await.unwrap() }
    });
    let stored = futures::future::join_all(stores).await.into_iter().filter(|s| *s).count();
    assert_eq!(stored, 10, "10 files of 600,000 bytes fit, an 11th does not");
    assert_eq!(store.media_bytes(&ws.id).await.unwrap(), 6_000_000);
    assert!(!store.create_media(&medium(&ws, None), quota).await.unwrap());
}

pub async fn a_medium_is_found_by_the_sha256_of_its_bytes_in_its_workspace_only(
    store: Arc<dyn Storage>,
) {
    let (ws, other) = (workspace("Acme"), workspace("Globex"));
    store.create_workspace(&ws).await.unwrap();
    store.create_workspace(&other).await.unwrap();
    assert_eq!(store.media_bytes(&ws.id).await.unwrap(), 0);
    let m = medium(&ws, None);
    assert!(store.create_media(&m, QUOTA).await.unwrap());
    let found = store.media_by_sha256(&ws.id, &m.sha256).await.unwrap();
    assert_eq!(found.map(|f| f.id), Some(m.id.clone()));
    assert_eq!(store.media_by_sha256(&other.id, &m.sha256).await.unwrap(), None);
    assert_eq!(store.media_by_sha256(&ws.id, &"cd".repeat(32)).await.unwrap(), None);
}
