//! Scenarios for `platform_load`, which network caps count with: which posts load a
//! network in a window.

use crate::store::harness::{event, post, workspace};
use chrono::{DateTime, Duration, Utc};
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::{PostStatus, Workspace};
use herald::storage::store::Storage;
use std::sync::Arc;

/// Inserts a post of `ws` in `status` on `platforms` with the given times.
async fn insert(
    store: &dyn Storage,
    ws: &Workspace,
    (status, platforms): (PostStatus, &[&str]),
    schedule_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
) {
    let mut p = post(ws, status, platforms);
    (p.schedule_at, p.published_at) = (schedule_at, published_at);
    store.insert_post(&p, &event("create", None)).await.unwrap();
}

pub async fn platform_load_counts_loading_statuses_in_the_window_on_the_platform(
    store: Arc<dyn Storage>,
) {
    let ws = workspace("Acme");
    let other = workspace("Globex");
    store.create_workspace(&ws).await.unwrap();
    store.create_workspace(&other).await.unwrap();
    let from = now_ms() + Duration::hours(1);
    let to = from + Duration::hours(24);
    let mid = from + Duration::hours(12);
    let s = &*store;
    use PostStatus::*;
    const IG: &[&str] = &["instagram"];

    // Counted for instagram: the four loading statuses, by schedule_at or published_at.
    insert(s, &ws, (Scheduled, &["twitter", "instagram"]), Some(from), None).await;
    insert(s, &ws, (Publishing, IG), Some(mid), None).await;
    insert(s, &ws, (Published, IG), None, Some(mid)).await;
    insert(s, &ws, (PartiallyPublished, IG), Some(to - Duration::milliseconds(1)), None).await;
    // Not counted: outside [from, to), schedule_at before published_at, other statuses,
    // other platforms, other workspaces.
    insert(s, &ws, (Scheduled, IG), Some(to), None).await;
    insert(s, &ws, (Scheduled, IG), Some(from - Duration::milliseconds(1)), None).await;
    insert(s, &ws, (Published, IG), Some(from - Duration::hours(2)), Some(mid)).await;
    insert(s, &ws, (Scheduled, IG), None, None).await;
    for status in [Draft, PendingApproval, ChangesRequested, Failed, Cancelled, Expired, Deleted] {
        insert(s, &ws, (status, IG), Some(mid), Some(mid)).await;
    }
    insert(s, &ws, (Scheduled, &["linkedin"]), Some(mid), None).await;
    insert(s, &other, (Scheduled, IG), Some(mid), None).await;

    assert_eq!(store.platform_load(&ws.id, "instagram", from, to).await.unwrap(), 4);
    assert_eq!(store.platform_load(&ws.id, "linkedin", from, to).await.unwrap(), 1);
    assert_eq!(store.platform_load(&ws.id, "twitter", from, to).await.unwrap(), 1);
    assert_eq!(store.platform_load(&ws.id, "insta", from, to).await.unwrap(), 0, "whole names");
    assert_eq!(store.platform_load(&other.id, "instagram", from, to).await.unwrap(), 1);
    assert_eq!(store.platform_load(&ws.id, "instagram", mid, to).await.unwrap(), 3);
    assert_eq!(store.platform_load(&ws.id, "instagram", to, to).await.unwrap(), 0);
}
