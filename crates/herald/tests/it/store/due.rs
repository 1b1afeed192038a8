//! Scenarios for scheduler pacing: due order, the per-workspace filter of `claim_due`,
//! due counts per workspace, the read-only due list, and overdue approvals claimed once.

use crate::store::claims::{claim, insert, publishing};
use crate::store::harness::workspace;
use chrono::{DateTime, Duration, Utc};
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::{Post, PostStatus, Workspace};
use herald::storage::store::{DueQuery, Storage};
use std::collections::HashSet;
use std::sync::Arc;

fn due(workspace: Option<&Workspace>, now: DateTime<Utc>, limit: u32) -> DueQuery {
    DueQuery { workspace_id: workspace.map(|w| w.id.clone()), now, limit }
}

fn ids(posts: &[Post]) -> Vec<String> {
    posts.iter().map(|p| p.id.clone()).collect()
}

async fn new_workspace(store: &dyn Storage, name: &str) -> Workspace {
    let ws = workspace(name);
    store.create_workspace(&ws).await.unwrap();
    ws
}

/// Claims one post at a time until none is due; the order they came in.
async fn claim_one_by_one(store: &dyn Storage, query: &DueQuery) -> Vec<String> {
    let mut order = Vec::new();
    loop {
        let batch = store.claim_due(&DueQuery { limit: 1, ..query.clone() }, &claim).await.unwrap();
        match batch.as_slice() {
            [] => return order,
            [one] => order.push(one.post.id.clone()),
            more => panic!("limit 1 claimed {}", more.len()),
        }
    }
}

pub async fn claim_due_claims_in_due_order_an_expired_lease_by_its_end(store: Arc<dyn Storage>) {
    let s = &*store;
    let ws = new_workspace(s, "Acme").await;
    let now = now_ms();
    let at = |minutes: i64| Some(now - Duration::minutes(minutes));
    let third = insert(s, &ws, PostStatus::Scheduled, at(3)).await;
    let first = insert(s, &ws, PostStatus::Scheduled, at(30)).await;
    // Scheduled 15 minutes ago, but its lease ended 5 minutes ago: due by its lease end.
    let lease_ended = publishing(s, &ws, now - Duration::minutes(5) - Duration::seconds(10)).await;
    let second = insert(s, &ws, PostStatus::Scheduled, at(10)).await;
    let last = insert(s, &ws, PostStatus::Scheduled, Some(now)).await;
    let _future = insert(s, &ws, PostStatus::Scheduled, Some(now + Duration::seconds(1))).await;
    let want = ids(&[first, second, lease_ended, third, last]);

    let listed = store.due_posts(&ws.id, now, 10).await.unwrap();
    assert_eq!(ids(&listed), want, "due_posts lists in due order");
    assert_eq!(ids(&store.due_posts(&ws.id, now, 2).await.unwrap()), want[..2]);
    assert_eq!(claim_one_by_one(s, &due(None, now, 1)).await, want, "claimed in due order");
    assert!(store.due_posts(&ws.id, now, 10).await.unwrap().is_empty(), "all claimed");
}

pub async fn claim_due_for_one_workspace_claims_only_its_posts_in_due_order(
    store: Arc<dyn Storage>,
) {
    let s = &*store;
    let (acme, globex) = (new_workspace(s, "Acme").await, new_workspace(s, "Globex").await);
    let now = now_ms();
    let mut acme_posts = Vec::new();
    for minutes in [4, 9, 1, 6] {
        let at = Some(now - Duration::minutes(minutes));
        acme_posts.push(insert(s, &acme, PostStatus::Scheduled, at).await);
        insert(s, &globex, PostStatus::Scheduled, at).await;
    }
    acme_posts.sort_by_key(|p| p.schedule_at);

    let order = claim_one_by_one(s, &due(Some(&acme), now, 1)).await;
    assert_eq!(order, ids(&acme_posts), "only Acme's, earliest first");
    let rest = store.claim_due(&due(None, now, 100), &claim).await.unwrap();
    assert_eq!(rest.len(), 4);
    assert!(rest.iter().all(|c| c.post.workspace_id == globex.id), "Globex's were left");
    assert!(store.claim_due(&due(Some(&globex), now, 10), &claim).await.unwrap().is_empty());
}

pub async fn due_by_workspace_counts_what_claim_due_would_claim_earliest_first(
    store: Arc<dyn Storage>,
) {
    let s = &*store;
    let now = now_ms();
    let (a, b, c) =
        (new_workspace(s, "A").await, new_workspace(s, "B").await, new_workspace(s, "C").await);
    assert!(store.due_by_workspace(now, 10).await.unwrap().is_empty());
    for minutes in [1, 2] {
        insert(s, &a, PostStatus::Scheduled, Some(now - Duration::minutes(minutes))).await;
    }
    insert(s, &b, PostStatus::Scheduled, Some(now - Duration::minutes(10))).await;
    publishing(s, &b, now - Duration::seconds(1)).await;
    publishing(s, &b, now).await; // its lease ends now: not yet expired
    for minutes in [3, 4, 5] {
        insert(s, &c, PostStatus::Scheduled, Some(now - Duration::minutes(minutes))).await;
    }
    insert(s, &c, PostStatus::Scheduled, Some(now + Duration::minutes(1))).await;
    insert(s, &c, PostStatus::PendingApproval, Some(now - Duration::minutes(60))).await;
    insert(s, &c, PostStatus::Draft, Some(now - Duration::minutes(60))).await;

    let counts = store.due_by_workspace(now, 10).await.unwrap();
    let want = vec![(b.id.clone(), 2), (c.id.clone(), 3), (a.id.clone(), 2)];
    assert_eq!(counts, want, "the workspace with the earliest due post first");
    assert_eq!(store.due_by_workspace(now, 2).await.unwrap(), want[..2]);
    for (ws, n) in &counts {
        let query = DueQuery { workspace_id: Some(ws.clone()), now, limit: 100 };
        let claimed = store.claim_due(&query, &claim).await.unwrap();
        assert_eq!(claimed.len(), *n as usize, "claim_due claims what was counted");
    }
    assert!(store.due_by_workspace(now, 10).await.unwrap().is_empty());
}

/// Claimers filtered to one workspace or to none, at once, over two workspaces' posts:
/// each post is claimed once, and a filtered claimer only gets its workspace's.
pub async fn claimers_of_one_workspace_and_of_all_claim_each_of_200_due_posts_once(
    store: Arc<dyn Storage>,
) {
    let s = &*store;
    let (a, b) = (new_workspace(s, "A").await, new_workspace(s, "B").await);
    let now = now_ms();
    for i in 0..100 {
        let at = Some(now - Duration::seconds(i));
        insert(s, &a, PostStatus::Scheduled, at).await;
        insert(s, &b, PostStatus::Scheduled, at).await;
    }
    let filters = [Some(a.id.clone()), Some(a.id.clone()), Some(b.id.clone()), None];
    let tasks: Vec<_> = filters
        .into_iter()
        .map(|workspace_id| {
            let store = store.clone();
            tokio::spawn(async move {
                let query = DueQuery { workspace_id: workspace_id.clone(), now, limit: 7 };
                let mut mine = Vec::new();
                loop {
                    let batch = store.claim_due(&query, &claim).await.expect("claim_due");
                    if batch.is_empty() {
                        return (workspace_id, mine);
                    }
                    mine.extend(batch.into_iter().map(|c| c.post));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        let (filter, mine) = task.await.unwrap();
        if let Some(ws) = filter {
            assert!(mine.iter().all(|p| p.workspace_id == ws), "a claimer strayed");
        }
        all.extend(mine.into_iter().map(|p| p.id));
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "a post was claimed more than once");
    assert_eq!(all.len(), 200, "every due post is claimed");
}

pub async fn claim_overdue_returns_each_overdue_pending_post_once_ever(store: Arc<dyn Storage>) {
    let s = &*store;
    let ws = new_workspace(s, "Acme").await;
    let now = now_ms();
    let at = |minutes: i64| Some(now - Duration::minutes(minutes));
    let later = insert(s, &ws, PostStatus::PendingApproval, at(1)).await;
    let earlier = insert(s, &ws, PostStatus::PendingApproval, at(20)).await;
    let _on_time = insert(s, &ws, PostStatus::PendingApproval, Some(now)).await;
    let _unscheduled = insert(s, &ws, PostStatus::PendingApproval, None).await;
    let _scheduled = insert(s, &ws, PostStatus::Scheduled, at(20)).await;
    let before = store.content_version(&ws.id).await.unwrap();

    let first = store.claim_overdue(now, 1).await.unwrap();
    assert_eq!(ids(&first), vec![earlier.id.clone()], "earliest first, at most the limit");
    let second = store.claim_overdue(now, 10).await.unwrap();
    assert_eq!(ids(&second), vec![later.id.clone()]);
    let hour_later = now + Duration::hours(1);
    assert!(store.claim_overdue(hour_later, 10).await.unwrap().len() == 1, "only the on-time one");
    assert!(store.claim_overdue(hour_later, 10).await.unwrap().is_empty(), "once ever");
    let stored = store.post(&ws.id, &earlier.id).await.unwrap().unwrap();
    assert_eq!((stored.status, stored.version), (PostStatus::PendingApproval, 1), "not a change");
    assert_eq!(store.content_version(&ws.id).await.unwrap(), before, "no content version");
}

pub async fn concurrent_overdue_claimers_get_each_of_100_posts_once(store: Arc<dyn Storage>) {
    let s = &*store;
    let ws = new_workspace(s, "Acme").await;
    let now = now_ms();
    for i in 0..100 {
        insert(s, &ws, PostStatus::PendingApproval, Some(now - Duration::seconds(i + 1))).await;
    }
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = store.claim_overdue(now, 6).await.expect("claim_overdue");
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|p| p.id));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!((unique.len(), all.len()), (100, 100), "each overdue post once");
}
