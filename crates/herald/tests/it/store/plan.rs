//! Scenarios for the plan's storage: a keyed post is written once however many writers
//! race (import rows, feed items); queue additions from concurrent writers never share a
//! slot and skip the slots other posts hold; pausing labels the queue's posts and
//! resuming moves the passed ones to free slots; a feed is claimed by one poller at a
//! time until its poll is recorded.

use crate::store::harness::{event, post, workspace};
use chrono::{DateTime, Duration, Utc};
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::plan::{Day, Feed, Queue, Slot};
use herald::foundation::domain::{PostStatus, WaitingFor, Workspace};
use herald::storage::store::{Planned, Storage, StoreError};
use std::collections::HashSet;
use std::sync::Arc;

async fn new_workspace(store: &dyn Storage, name: &str) -> Workspace {
    let ws = workspace(name);
    store.create_workspace(&ws).await.unwrap();
    ws
}

fn planned(ws: &Workspace, status: PostStatus, key: Option<&str>, queued: bool) -> Planned {
    Planned {
        post: post(ws, status, &["twitter"]),
        event: event("create", None),
        key: key.map(str::to_owned),
        queued,
    }
}

/// Hourly instants from an hour ahead.
fn slots(n: i64) -> Vec<DateTime<Utc>> {
    let start = now_ms() + Duration::hours(1);
    (0..n).map(|h| start + Duration::hours(h)).collect()
}

fn queue(paused: bool) -> Queue {
    Queue { slots: vec![Slot { weekday: Day::Mon, time: "09:00".into() }], paused }
}

pub async fn a_key_is_written_once_however_many_writers_race(store: Arc<dyn Storage>) {
    let ws = new_workspace(&*store, "Keys").await;
    let writers = (0..8).map(|_| {
        let (store, ws) = (store.clone(), ws.clone());
        tokio::spawn(async move {
            let items = [planned(&ws, PostStatus::Draft, Some("feed:f:item-1"), false)];
            store.insert_planned(&ws.id, &items, &[]).await.unwrap()
        })
    });
    let outcomes = futures::future::join_all(writers).await;
    let created: usize = outcomes.iter().map(|o| o.as_ref().unwrap().committed.len()).sum();
    let skipped: usize = outcomes.iter().map(|o| o.as_ref().unwrap().skipped.len()).sum();
    assert_eq!((created, skipped), (1, 7));
    // Another workspace has keys of its own.
    let other = new_workspace(&*store, "Other").await;
    let items = [planned(&other, PostStatus::Draft, Some("feed:f:item-1"), false)];
    assert_eq!(store.insert_planned(&other.id, &items, &[]).await.unwrap().committed.len(), 1);
}

pub async fn concurrent_queue_additions_take_distinct_free_slots(store: Arc<dyn Storage>) {
    let ws = new_workspace(&*store, "Queue").await;
    let candidates = slots(100);
    let none = [planned(&ws, PostStatus::Scheduled, None, true)];
    let err = store.insert_planned(&ws.id, &none, &candidates).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid { field: "queue", .. }), "{err:?}");
    store.save_queue(&ws.id, &queue(false), now_ms(), &candidates, &"alice".into()).await.unwrap();
    // A post scheduled by hand holds the first slot; a draft at the second holds nothing.
    let mut by_hand = post(&ws, PostStatus::Scheduled, &["twitter"]);
    by_hand.schedule_at = Some(candidates[0]);
    store.insert_post(&by_hand, &event("create", None)).await.unwrap();
    let mut draft = post(&ws, PostStatus::Draft, &["twitter"]);
    draft.schedule_at = Some(candidates[1]);
    store.insert_post(&draft, &event("create", None)).await.unwrap();

    let writers = (0..20).map(|_| {
        let (store, ws, candidates) = (store.clone(), ws.clone(), candidates.clone());
        tokio::spawn(async move {
            let items = [planned(&ws, PostStatus::Scheduled, None, true)];
            store.insert_planned(&ws.id, &items, &candidates).await.unwrap()
        })
    });
    let mut got: Vec<DateTime<Utc>> = futures::future::join_all(writers)
        .await
        .into_iter()
        .map(|o| o.unwrap().committed[0].post.schedule_at.unwrap())
        .collect();
    got.sort();
    assert_eq!(got.iter().collect::<HashSet<_>>().len(), 20, "a slot was shared: {got:?}");
    assert_eq!(got, candidates[1..21].to_vec(), "the first free slots, in order");
}

pub async fn pausing_labels_queued_posts_and_resuming_moves_the_passed_ones(
    store: Arc<dyn Storage>,
) {
    let ws = new_workspace(&*store, "Pause").await;
    let candidates = slots(50);
    store.save_queue(&ws.id, &queue(false), now_ms(), &candidates, &"alice".into()).await.unwrap();
    let items = [
        planned(&ws, PostStatus::Scheduled, None, true),
        planned(&ws, PostStatus::Scheduled, None, true),
    ];
    let made = store.insert_planned(&ws.id, &items, &candidates).await.unwrap();
    let (a, b) = (made.committed[0].post.clone(), made.committed[1].post.clone());
    let paused =
        store.save_queue(&ws.id, &queue(true), now_ms(), &candidates, &"alice".into()).await;
    assert_eq!(paused.unwrap().len(), 2);
    let held = store.post(&ws.id, &a.id).await.unwrap().unwrap();
    assert_eq!(held.waiting_for, Some(WaitingFor::QueuePaused));
    let due = store.due_posts(&ws.id, now_ms() + Duration::days(1), 10).await.unwrap();
    assert!(due.is_empty(), "a paused queue's posts are not due");
    assert!(store.queue(&ws.id).await.unwrap().unwrap().paused);

    // Resumed three hours later: a's and b's times passed; they take the next free slots.
    let later = now_ms() + Duration::hours(3);
    let after: Vec<DateTime<Utc>> = candidates.iter().copied().filter(|t| *t > later).collect();
    let resumed =
        store.save_queue(&ws.id, &queue(false), later, &after, &"alice".into()).await.unwrap();
    let times: Vec<_> = resumed.iter().map(|c| (c.post.id.clone(), c.post.schedule_at)).collect();
    assert_eq!(times, vec![(a.id.clone(), Some(after[0])), (b.id.clone(), Some(after[1]))]);
    assert!(resumed.iter().all(|c| c.post.waiting_for.is_none()));
}

pub async fn a_feed_is_held_by_one_poller_until_its_poll_is_recorded(store: Arc<dyn Storage>) {
    let ws = new_workspace(&*store, "Feeds").await;
    let feed = Feed {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.id.clone(),
        url: "https://blog.example.com/feed.xml".into(),
        platforms: vec![ayrshare::Platform::Twitter],
        template: Some("{title} {link}".into()),
        created_at: now_ms(),
        last_checked_at: None,
        last_error: None,
    };
    store.create_feed(&feed).await.unwrap();
    let now = now_ms();
    let lease = now + Duration::seconds(60);
    let first = store.claim_feeds(now, now, lease, 10).await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(store.claim_feeds(now, now, lease, 10).await.unwrap().is_empty(), "held");
    store.feed_checked(&feed.id, now, Some("timed out")).await.unwrap();
    let listed = store.feeds(&ws.id).await.unwrap();
    assert_eq!(listed[0].last_error.as_deref(), Some("timed out"));
    assert_eq!(listed[0].last_checked_at, Some(now));
    assert!(
        store.claim_feeds(now - Duration::seconds(1), now, lease, 10).await.unwrap().is_empty(),
        "not due again yet"
    );
    assert_eq!(store.claim_feeds(now, now, lease, 10).await.unwrap().len(), 1, "due again");
    assert!(store.delete_feed(&ws.id, &feed.id).await.unwrap());
    assert!(!store.delete_feed(&ws.id, &feed.id).await.unwrap());
}
