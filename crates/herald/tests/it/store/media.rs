//! Scenarios for media: stored with an optional thumbnail, read back (description, file,
//! thumbnail) by their workspace only.

use crate::store::harness::{assert_duplicate, workspace};
use herald::domain::model::now_ms;
use herald::domain::{Blob, MediaRecord, Workspace};
use herald::store::{constraint, Storage, StoreError};
use std::sync::Arc;

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
        data: (0..=255u8).cycle().take(70_000).collect(),
        thumbnail,
    }
}

pub async fn media_are_read_back_whole_by_their_workspace_only(store: Arc<dyn Storage>) {
    let (ws, other) = (workspace("Acme"), workspace("Globex"));
    store.create_workspace(&ws).await.unwrap();
    store.create_workspace(&other).await.unwrap();
    let thumb = Blob { content_type: "image/webp".into(), data: vec![1, 2, 3, 0, 255] };
    let m = medium(&ws, Some(thumb.clone()));
    store.create_media(&m).await.unwrap();

    let meta = store.media(&ws.id, &m.id).await.unwrap().expect("stored");
    assert_eq!(meta, m.meta());
    assert_eq!((meta.bytes, meta.thumbnail_type.as_deref()), (70_000, Some("image/webp")));
    let data = store.media_data(&ws.id, &m.id).await.unwrap().expect("its file");
    assert_eq!(data, Blob { content_type: "image/png".into(), data: m.data.clone() });
    assert_eq!(store.media_thumbnail(&ws.id, &m.id).await.unwrap(), Some(thumb));

    assert_eq!(store.media(&other.id, &m.id).await.unwrap(), None, "another workspace's");
    assert_eq!(store.media_data(&other.id, &m.id).await.unwrap(), None);
    assert_eq!(store.media_thumbnail(&other.id, &m.id).await.unwrap(), None);
    assert_eq!(store.media(&ws.id, "no-such-media").await.unwrap(), None);
}

pub async fn a_medium_without_thumbnail_has_none_and_ids_are_unique(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let mut m = medium(&ws, None);
    (m.width, m.height, m.content_type) = (None, None, "video/mp4".into());
    store.create_media(&m).await.unwrap();
    let meta = store.media(&ws.id, &m.id).await.unwrap().unwrap();
    assert_eq!((meta.width, meta.height, meta.thumbnail_type), (None, None, None));
    assert_eq!(store.media_thumbnail(&ws.id, &m.id).await.unwrap(), None);

    store.create_media(&medium(&ws, None)).await.unwrap();
    let err = store.create_media(&m).await.unwrap_err();
    assert_duplicate(&err, constraint::MEDIA_ID);
    let mut stray = medium(&ws, None);
    stray.workspace_id = "no-such-workspace".into();
    let err = store.create_media(&stray).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "got {err:?}");
}
