//! Scenarios for post writes (one transaction: post, event, content version; optimistic
//! concurrency) and post reads (events, listing, counts, lookup by Ayrshare id).

use crate::store::harness::{assert_same_post, edited, event, post, workspace};
use chrono::Duration;
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::{PlatformResult, PostStatus, WaitingFor};
use herald::storage::store::{Counts, ListQuery, Storage, StoreError};
use std::collections::BTreeMap;
use std::sync::Arc;

pub async fn insert_post_writes_the_post_one_event_and_bumps_content_version(
    store: Arc<dyn Storage>,
) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let mut p = post(&ws, PostStatus::PendingApproval, &["twitter", "linkedin"]);
    p.schedule_at = Some(p.created_at + Duration::hours(2));

    let committed = store.insert_post(&p, &event("create", None)).await.unwrap();
    assert_eq!(committed.content_version, 1);
    assert_same_post(&committed.post, &p);
    assert_same_post(&store.post(&ws.id, &p.id).await.unwrap().expect("stored"), &p);
    assert!(
        store.post("another-workspace", &p.id).await.unwrap().is_none(),
        "scoped to its workspace"
    );

    let events = store.events(&p.id).await.unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(serde_json::to_value(e).unwrap(), serde_json::to_value(&committed.event).unwrap());
    assert_eq!((e.action.as_str(), e.actor.to_string().as_str()), ("create", "alice"));
    assert_eq!((e.from, e.to), (None, PostStatus::PendingApproval));
    assert_eq!((e.version, e.at), (1, p.updated_at));
    assert_eq!(store.content_version(&ws.id).await.unwrap(), 1);

    let second = store
        .insert_post(&post(&ws, PostStatus::Draft, &["twitter"]), &event("create", None))
        .await
        .unwrap();
    assert_eq!(second.content_version, 2);
}

pub async fn save_post_writes_the_post_one_event_and_bumps_content_version(
    store: Arc<dyn Storage>,
) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let p = post(&ws, PostStatus::Draft, &["twitter"]);
    store.insert_post(&p, &event("create", None)).await.unwrap();

    let mut next = edited(&p, "Edited");
    next.status = PostStatus::Published;
    next.ayrshare_id = Some("ayr-1".into());
    next.published_at = Some(next.updated_at);
    next.platform_results = vec![PlatformResult {
        platform: "twitter".into(),
        status: herald::foundation::domain::PlatformStatus::Success,
        post_url: Some("https://x.com/p/1".into()),
        error: None,
        ayrshare_id: Some("ayr-1".into()),
    }];
    next.publish.key = Some("key-1".into());
    next.publish.attempts = 2;
    next.publish.targets = vec![ayrshare::Platform::Twitter];
    next.publish.lease_until = Some(next.updated_at + Duration::seconds(60));
    let committed =
        store.save_post(1, &next, &event("publish", Some(PostStatus::Draft))).await.unwrap();

    assert_eq!(committed.content_version, 2);
    let e = &committed.event;
    assert_eq!((e.version, e.from, e.to), (2, Some(PostStatus::Draft), PostStatus::Published));
    assert_same_post(&store.post(&ws.id, &p.id).await.unwrap().unwrap(), &next);
    assert_eq!(store.events(&p.id).await.unwrap().len(), 2);
}

pub async fn save_post_with_a_stale_version_is_a_conflict_and_writes_nothing(
    store: Arc<dyn Storage>,
) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let p = post(&ws, PostStatus::Draft, &["twitter"]);
    store.insert_post(&p, &event("create", None)).await.unwrap();
    let winner = edited(&p, "First edit wins");
    store.save_post(1, &winner, &event("edit", Some(PostStatus::Draft))).await.unwrap();

    let loser = edited(&p, "Second edit, based on version 1");
    let err =
        store.save_post(1, &loser, &event("edit", Some(PostStatus::Draft))).await.unwrap_err();
    assert!(matches!(err, StoreError::VersionConflict { current: 2 }), "got {err:?}");
    assert_same_post(&store.post(&ws.id, &p.id).await.unwrap().unwrap(), &winner);
    assert_eq!(store.events(&p.id).await.unwrap().len(), 2, "no event for the refused change");
    assert_eq!(store.content_version(&ws.id).await.unwrap(), 2, "content version unchanged");
}

pub async fn save_post_of_an_unknown_post_is_not_found(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let ghost = edited(&post(&ws, PostStatus::Draft, &["twitter"]), "never inserted");
    let err =
        store.save_post(1, &ghost, &event("edit", Some(PostStatus::Draft))).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "got {err:?}");
    assert!(store.events(&ghost.id).await.unwrap().is_empty());
    assert_eq!(store.content_version(&ws.id).await.unwrap(), 0);
}

pub async fn inserting_a_post_id_twice_is_a_duplicate_and_writes_nothing(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let p = post(&ws, PostStatus::Draft, &["twitter"]);
    store.insert_post(&p, &event("create", None)).await.unwrap();
    let mut twin = post(&ws, PostStatus::Scheduled, &["linkedin"]);
    twin.id = p.id.clone();
    let err = store.insert_post(&twin, &event("create", None)).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Duplicate { constraint } if constraint == "posts_pkey"),
        "got {err:?}"
    );
    assert_same_post(&store.post(&ws.id, &p.id).await.unwrap().unwrap(), &p);
    assert_eq!(store.events(&p.id).await.unwrap().len(), 1, "no event for the refused insert");
    assert_eq!(store.content_version(&ws.id).await.unwrap(), 1, "content version unchanged");
}

pub async fn events_come_in_version_order(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let mut p = post(&ws, PostStatus::Draft, &["twitter"]);
    store.insert_post(&p, &event("create", None)).await.unwrap();
    let base = p.updated_at;
    let path = [PostStatus::PendingApproval, PostStatus::ChangesRequested, PostStatus::Draft];
    for (i, to) in path.into_iter().enumerate() {
        let mut next = edited(&p, &format!("edit {i}"));
        next.status = to;
        // Later versions with earlier times: the order is by version, not by clock.
        next.updated_at = base - Duration::seconds(i as i64 + 1);
        store.save_post(p.version, &next, &event("edit", Some(p.status))).await.unwrap();
        p = next;
    }
    let events = store.events(&p.id).await.unwrap();
    let order: Vec<(i64, PostStatus)> = events.iter().map(|e| (e.version, e.to)).collect();
    let want = [
        PostStatus::Draft,
        PostStatus::PendingApproval,
        PostStatus::ChangesRequested,
        PostStatus::Draft,
    ];
    assert_eq!(order, (1..).zip(want).collect::<Vec<_>>());
    assert!(store.events("no-such-post").await.unwrap().is_empty());
}

pub async fn posts_are_listed_newest_first_with_cursor_paging_and_a_status_filter(
    store: Arc<dyn Storage>,
) {
    let ws = workspace("Acme");
    let other = workspace("Globex");
    store.create_workspace(&ws).await.unwrap();
    store.create_workspace(&other).await.unwrap();
    let base = now_ms() - Duration::hours(1);
    let mut want = Vec::new();
    for i in 0..7i64 {
        let status = if i % 2 == 0 { PostStatus::Draft } else { PostStatus::Scheduled };
        let mut p = post(&ws, status, &["twitter"]);
        // Pairs share a creation time, so paging must break ties by id.
        p.created_at = base + Duration::seconds(i / 2);
        store.insert_post(&p, &event("create", None)).await.unwrap();
        want.push(p);
    }
    store
        .insert_post(&post(&other, PostStatus::Draft, &["twitter"]), &event("create", None))
        .await
        .unwrap();
    want.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));

    let mut seen = Vec::new();
    let mut query = ListQuery { limit: 3, ..ListQuery::default() };
    loop {
        let page = store.posts(&ws.id, &query).await.unwrap();
        assert!(page.posts.len() <= 3);
        seen.extend(page.posts.iter().map(|p| p.id.clone()));
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        seen,
        want.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        "newest first, each once"
    );

    let everything =
        store.posts(&ws.id, &ListQuery { limit: 7, ..ListQuery::default() }).await.unwrap();
    assert_eq!(
        (everything.posts.len(), everything.next),
        (7, None),
        "an exact fit has no next page"
    );

    let scheduled =
        ListQuery { status: Some(PostStatus::Scheduled), limit: 2, ..ListQuery::default() };
    let first = store.posts(&ws.id, &scheduled).await.unwrap();
    let second =
        store.posts(&ws.id, &ListQuery { cursor: first.next.clone(), ..scheduled }).await.unwrap();
    let got: Vec<String> = first.posts.iter().chain(&second.posts).map(|p| p.id.clone()).collect();
    let want_scheduled: Vec<String> =
        want.iter().filter(|p| p.status == PostStatus::Scheduled).map(|p| p.id.clone()).collect();
    assert_eq!(got, want_scheduled);
    assert!(second.next.is_none());
}

pub async fn counts_are_by_status_and_by_platform(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    let other = workspace("Globex");
    store.create_workspace(&ws).await.unwrap();
    store.create_workspace(&other).await.unwrap();
    assert_eq!(store.counts(&ws.id).await.unwrap(), Counts::default());
    for (status, platforms) in [
        (PostStatus::Draft, &["twitter", "linkedin"][..]),
        (PostStatus::Draft, &["twitter"][..]),
        (PostStatus::Scheduled, &["instagram", "twitter"][..]),
        (PostStatus::Published, &["linkedin"][..]),
    ] {
        store.insert_post(&post(&ws, status, platforms), &event("create", None)).await.unwrap();
    }
    store
        .insert_post(&post(&other, PostStatus::Failed, &["tiktok"]), &event("create", None))
        .await
        .unwrap();

    let counts = store.counts(&ws.id).await.unwrap();
    let map = |pairs: &[(&str, i64)]| {
        pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect::<BTreeMap<_, _>>()
    };
    assert_eq!(
        counts,
        Counts {
            total: 4,
            by_status: map(&[("draft", 2), ("scheduled", 1), ("published", 1)]),
            by_platform: map(&[("twitter", 3), ("linkedin", 2), ("instagram", 1)]),
        }
    );
}

pub async fn post_by_ayrshare_id_finds_the_post(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let mut p = post(&ws, PostStatus::Published, &["twitter"]);
    p.ayrshare_id = Some("ayr-42".into());
    store.insert_post(&p, &event("create", None)).await.unwrap();
    store
        .insert_post(&post(&ws, PostStatus::Draft, &["twitter"]), &event("create", None))
        .await
        .unwrap();

    assert_same_post(&store.post_by_ayrshare_id("ayr-42").await.unwrap().expect("found"), &p);
    assert!(store.post_by_ayrshare_id("ayr-unknown").await.unwrap().is_none());
}

pub async fn posts_by_ids_finds_the_workspaces_posts_in_the_order_asked(store: Arc<dyn Storage>) {
    let (ws, other) = (workspace("Acme"), workspace("Other"));
    store.create_workspace(&ws).await.unwrap();
    store.create_workspace(&other).await.unwrap();
    let (a, b) = (
        post(&ws, PostStatus::Draft, &["twitter"]),
        post(&ws, PostStatus::Scheduled, &["twitter"]),
    );
    let theirs = post(&other, PostStatus::Draft, &["twitter"]);
    for p in [&a, &b, &theirs] {
        store.insert_post(p, &event("create", None)).await.unwrap();
    }

    let ids = [b.id.clone(), "unknown".into(), theirs.id.clone(), a.id.clone(), b.id.clone()];
    let found = store.posts_by_ids(&ws.id, &ids).await.unwrap();
    assert_eq!(found.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), [&b.id, &a.id]);
    assert_same_post(&found[1], &a);
    assert!(store.posts_by_ids(&ws.id, &[]).await.unwrap().is_empty());
}

pub async fn waiting_for_is_written_by_insert_and_save_and_served_in_the_post(
    store: Arc<dyn Storage>,
) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let mut p = post(&ws, PostStatus::Scheduled, &["twitter"]);
    p.waiting_for = Some(WaitingFor::AyrshareLimit);
    store.insert_post(&p, &event("create", None)).await.unwrap();
    let stored = store.post(&ws.id, &p.id).await.unwrap().unwrap();
    assert_eq!(stored.waiting_for, Some(WaitingFor::AyrshareLimit));
    assert_eq!(serde_json::to_value(&stored).unwrap()["waiting_for"], "ayrshare_limit");

    let mut next = edited(&p, "no longer waiting");
    next.waiting_for = None;
    store.save_post(1, &next, &event("edit", Some(PostStatus::Scheduled))).await.unwrap();
    let stored = store.post(&ws.id, &p.id).await.unwrap().unwrap();
    assert_same_post(&stored, &next);
    assert_eq!(serde_json::to_value(&stored).unwrap()["waiting_for"], serde_json::Value::Null);
}
