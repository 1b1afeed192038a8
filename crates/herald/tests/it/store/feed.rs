//! Scenarios for the event feed: a consumer claims the audit events after its position
//! in commit order, one claimer at a time, and a lapsed claim's events are claimed again.

use crate::store::claims::{claim, insert};
use crate::store::harness::{edited, event, post, workspace};
use chrono::Duration;
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::{Post, PostStatus, Workspace};
use herald::storage::store::{DueQuery, EventClaim, Storage, StoreError};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

const LEASE: std::time::Duration = std::time::Duration::from_secs(30);

/// Inserts a draft and edits it `edits` times: `1 + edits` events, in this order.
async fn changes(store: &dyn Storage, ws: &Workspace, edits: usize) -> Vec<String> {
    let mut p = post(ws, PostStatus::Draft, &["twitter"]);
    let mut events = vec![store.insert_post(&p, &event("create", None)).await.unwrap().event.id];
    for i in 0..edits {
        let next = edited(&p, &format!("edit {i}"));
        let c = store.save_post(p.version, &next, &event("edit", Some(p.status))).await.unwrap();
        events.push(c.event.id);
        p = next;
    }
    events
}

fn event_ids(claim: &EventClaim) -> Vec<String> {
    claim.events.iter().map(|e| e.event.id.clone()).collect()
}

/// A workspace, and the witness consumer started on the empty feed.
async fn new_workspace(store: &dyn Storage) -> Workspace {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    assert!(store.claim_events(WITNESS, now_ms(), LEASE, 1).await.unwrap().is_none());
    ws
}

/// A consumer that starts before the scenario's first event and never advances.
const WITNESS: &str = "witness";

/// Waits until the scenario's first `n` events are settled. PostgreSQL hands an event out
/// once every transaction older than its own has ended, in any database of the cluster
/// (other scenarios' too), so a scenario that expects exact claims waits for that first.
/// The witness claims them all; each try is a day ahead, after the last try's lease.
async fn settled(store: &dyn Storage, n: usize) {
    for day in 1..=400 {
        let at = now_ms() + Duration::days(day);
        if let Some(claim) = store.claim_events(WITNESS, at, LEASE, 10_000).await.unwrap() {
            if claim.events.len() >= n {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{n} events not settled in 10 s");
}

pub async fn a_new_consumer_starts_at_the_end_of_the_feed(store: Arc<dyn Storage>) {
    let ws = new_workspace(&*store).await;
    changes(&*store, &ws, 2).await;
    settled(&*store, 3).await;
    let now = now_ms();
    assert!(store.claim_events("notifier", now, LEASE, 10).await.unwrap().is_none(), "history");
    let new = changes(&*store, &ws, 1).await;
    settled(&*store, 5).await;
    let claim = store.claim_events("notifier", now, LEASE, 10).await.unwrap().expect("new events");
    assert_eq!(event_ids(&claim), new);
    assert!(claim.events.iter().all(|e| e.workspace_id == ws.id));
    assert_eq!(
        (claim.token.consumer(), claim.token.until()),
        ("notifier", now + Duration::seconds(30))
    );
}

pub async fn claimed_events_come_in_commit_order_and_advance_moves_past_them(
    store: Arc<dyn Storage>,
) {
    let ws = new_workspace(&*store).await;
    let now = now_ms();
    assert!(store.claim_events("notifier", now, LEASE, 10).await.unwrap().is_none());
    let mut all = changes(&*store, &ws, 3).await;
    all.extend(changes(&*store, &ws, 1).await);
    settled(&*store, all.len()).await;

    let first = store.claim_events("notifier", now, LEASE, 4).await.unwrap().unwrap();
    assert_eq!(event_ids(&first), all[..4]);
    assert!(store.advance(&first.token, &all[1]).await.unwrap(), "part of a claim");
    let second = store.claim_events("notifier", now, LEASE, 10).await.unwrap().unwrap();
    assert_eq!(event_ids(&second), all[2..], "from after the position");
    assert!(store.advance(&second.token, &all[5]).await.unwrap());
    assert!(store.claim_events("notifier", now, LEASE, 10).await.unwrap().is_none(), "done");
    let other = store.claim_events("auditor", now, LEASE, 10).await.unwrap();
    assert!(other.is_none(), "another consumer starts at the end too");
}

pub async fn while_a_claim_holds_no_one_else_gets_its_events_and_a_lapsed_one_is_claimed_again(
    store: Arc<dyn Storage>,
) {
    let ws = new_workspace(&*store).await;
    let now = now_ms();
    assert!(store.claim_events("notifier", now, LEASE, 10).await.unwrap().is_none());
    let all = changes(&*store, &ws, 2).await;
    settled(&*store, all.len()).await;

    let crashed = store.claim_events("notifier", now, LEASE, 10).await.unwrap().unwrap();
    let within = now + Duration::seconds(29);
    assert!(store.claim_events("notifier", within, LEASE, 10).await.unwrap().is_none(), "held");
    let after = now + Duration::seconds(30);
    let retaken = store.claim_events("notifier", after, LEASE, 10).await.unwrap().unwrap();
    assert_eq!(event_ids(&retaken), event_ids(&crashed), "the same range again");
    assert_eq!(event_ids(&retaken), all);
    assert!(!store.advance(&crashed.token, &all[2]).await.unwrap(), "the lapsed claim lost it");
    assert!(store.advance(&retaken.token, &all[2]).await.unwrap());
    assert!(!store.advance(&retaken.token, &all[2]).await.unwrap(), "released by advancing");
}

pub async fn advance_goes_neither_past_the_claim_nor_back(store: Arc<dyn Storage>) {
    let ws = new_workspace(&*store).await;
    let now = now_ms();
    assert!(store.claim_events("notifier", now, LEASE, 10).await.unwrap().is_none());
    let all = changes(&*store, &ws, 3).await;
    settled(&*store, all.len()).await;
    let claim = store.claim_events("notifier", now, LEASE, 2).await.unwrap().unwrap();
    assert!(!store.advance(&claim.token, &all[3]).await.unwrap(), "past the claim");
    let err = store.advance(&claim.token, "no-such-event").await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "got {err:?}");
    assert!(store.advance(&claim.token, &all[1]).await.unwrap());
    let next = store.claim_events("notifier", now, LEASE, 10).await.unwrap().unwrap();
    assert!(!store.advance(&next.token, &all[0]).await.unwrap(), "not back");
    assert_eq!(event_ids(&next), all[2..]);
}

/// Writers commit events while four instances of one consumer claim and advance; one
/// writer claims posts in slow transactions of several events, so transactions start and
/// commit in different orders. Every event is handled, once.
pub async fn concurrent_claimers_handle_each_event_once_while_writers_commit(
    store: Arc<dyn Storage>,
) {
    const WRITERS: usize = 4;
    const EDITS: usize = 9;
    let ws = new_workspace(&*store).await;
    assert!(store.claim_events("notifier", now_ms(), LEASE, 10).await.unwrap().is_none());
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            let (store, ws) = (store.clone(), ws.clone());
            tokio::spawn(async move { changes(&*store, &ws, EDITS).await })
        })
        .collect();
    let handled = Arc::new(Mutex::new(Vec::new()));
    let claimers: Vec<_> =
        (0..4).map(|_| tokio::spawn(claimer(store.clone(), handled.clone()))).collect();
    let slow = tokio::spawn(slow_claims(store.clone(), ws.clone()));
    let mut written = HashSet::new();
    for w in writers {
        written.extend(w.await.unwrap());
    }
    written.extend(slow.await.unwrap());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while handled.lock().unwrap().len() < written.len() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    for c in claimers {
        c.abort();
    }
    let handled = handled.lock().unwrap().clone();
    let unique: HashSet<String> = handled.iter().cloned().collect();
    assert_eq!(unique.len(), handled.len(), "an event was handled twice");
    assert_eq!(unique, written, "every event handled");
}

/// Inserts 12 due posts, then claims them 4 to a transaction, taking a while over each:
/// the events of both, in order.
async fn slow_claims(store: Arc<dyn Storage>, ws: Workspace) -> Vec<String> {
    let now = now_ms();
    let mut events = Vec::new();
    for _ in 0..12 {
        let p = insert(&*store, &ws, PostStatus::Scheduled, Some(now)).await;
        events.extend(store.events(&p.id).await.unwrap().into_iter().map(|e| e.id));
    }
    let slowly = |p: &Post| {
        std::thread::sleep(std::time::Duration::from_millis(5));
        claim(p)
    };
    let query = DueQuery { workspace_id: Some(ws.id.clone()), now, limit: 4 };
    loop {
        let batch = store.claim_due(&query, &slowly).await.unwrap();
        if batch.is_empty() {
            return events;
        }
        events.extend(batch.into_iter().map(|c| c.event.id));
    }
}

/// Claims a few events at a time and advances past them, until aborted.
async fn claimer(store: Arc<dyn Storage>, handled: Arc<Mutex<Vec<String>>>) {
    loop {
        match store.claim_events("notifier", now_ms(), LEASE, 3).await.expect("claim_events") {
            Some(claim) => {
                let last = claim.events.last().map(|e| e.event.id.clone()).unwrap();
                handled.lock().unwrap().extend(event_ids(&claim));
                assert!(store.advance(&claim.token, &last).await.expect("advance"), "claim lost");
            }
            None => tokio::time::sleep(std::time::Duration::from_millis(5)).await,
        }
    }
}
