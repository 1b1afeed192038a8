//! Scenarios for `claim_due`: what is due, what the claim function decides, and that
//! concurrent claimers (several Herald instances) never claim the same post twice.

use crate::store::harness::{event, post, workspace};
use chrono::{DateTime, Duration, Utc};
use herald::coherence::publish;
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::{Post, PostStatus, Workspace};
use herald::storage::store::{DueQuery, NewEvent, Storage};
use std::collections::HashSet;
use std::sync::Arc;

const LEASE: std::time::Duration = std::time::Duration::from_secs(60);

/// The scheduler's claim: `publishing` with a lease, `claim` or `reclaim`.
pub fn claim(p: &Post) -> Option<(Post, NewEvent)> {
    let action = if p.status == PostStatus::Publishing {
        herald::foundation::domain::AuditAction::Reclaim
    } else {
        herald::foundation::domain::AuditAction::Claim
    };
    Some(publish::claim(p, None, LEASE, &herald::foundation::domain::Actor::Scheduler, action))
}

pub async fn insert(
    store: &dyn Storage,
    ws: &Workspace,
    status: PostStatus,
    schedule_at: Option<DateTime<Utc>>,
) -> Post {
    let mut p = post(ws, status, &["twitter"]);
    p.schedule_at = schedule_at;
    store.insert_post(&p, &event("create", None)).await.unwrap();
    p
}

pub async fn publishing(store: &dyn Storage, ws: &Workspace, lease_until: DateTime<Utc>) -> Post {
    let mut p = post(ws, PostStatus::Publishing, &["twitter"]);
    p.schedule_at = Some(lease_until - Duration::minutes(5));
    p.publish.lease_until = Some(lease_until);
    p.publish.key = Some(format!("{}-v1", p.id));
    p.publish.attempts = 1;
    p.publish.targets = p.platforms.clone();
    store.insert_post(&p, &event("create", None)).await.unwrap();
    p
}

/// Due posts of every workspace.
fn every(now: DateTime<Utc>, limit: u32) -> DueQuery {
    DueQuery { workspace_id: None, now, limit }
}

fn ids<'a>(posts: impl IntoIterator<Item = &'a Post>) -> HashSet<String> {
    posts.into_iter().map(|p| p.id.clone()).collect()
}

pub async fn claim_due_claims_only_due_scheduled_posts_and_expired_leases(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let now = now_ms();
    let s = &*store;
    let overdue = insert(s, &ws, PostStatus::Scheduled, Some(now - Duration::minutes(1))).await;
    let due_now = insert(s, &ws, PostStatus::Scheduled, Some(now)).await;
    let _future = insert(s, &ws, PostStatus::Scheduled, Some(now + Duration::minutes(1))).await;
    let _draft = insert(s, &ws, PostStatus::Draft, Some(now - Duration::minutes(1))).await;
    let _pending =
        insert(s, &ws, PostStatus::PendingApproval, Some(now - Duration::minutes(1))).await;
    let expired = publishing(s, &ws, now - Duration::seconds(1)).await;
    let _leased = publishing(s, &ws, now + Duration::minutes(1)).await;
    let before = store.content_version(&ws.id).await.unwrap();

    let claimed = store.claim_due(&every(now, 100), &claim).await.unwrap();
    assert_eq!(ids(claimed.iter().map(|c| &c.post)), ids([&overdue, &due_now, &expired]));
    for c in &claimed {
        let stored = store.post(&ws.id, &c.post.id).await.unwrap().unwrap();
        assert_eq!((stored.status, stored.version), (PostStatus::Publishing, 2));
        assert!(stored.publish.lease_until.unwrap() > now);
        let events = store.events(&c.post.id).await.unwrap();
        assert_eq!(events.len(), 2);
        let reclaim = c.post.id == expired.id;
        let (action, from) = if reclaim {
            ("reclaim", PostStatus::Publishing)
        } else {
            ("claim", PostStatus::Scheduled)
        };
        assert_eq!((events[1].action.as_str(), events[1].from), (action, Some(from)));
    }
    assert_eq!(store.post(&ws.id, &expired.id).await.unwrap().unwrap().publish.attempts, 2);
    let versions: HashSet<i64> = claimed.iter().map(|c| c.content_version).collect();
    assert_eq!(
        versions,
        (before + 1..=before + 3).collect(),
        "one content version per claimed post"
    );
    assert_eq!(store.content_version(&ws.id).await.unwrap(), before + 3);
    assert!(
        store.claim_due(&every(now, 100), &claim).await.unwrap().is_empty(),
        "claimed posts are leased"
    );
}

pub async fn claim_due_skips_posts_the_claim_fn_declines(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let now = now_ms();
    let mut declined = post(&ws, PostStatus::Scheduled, &["twitter"]);
    declined.text = "not yet".into();
    declined.schedule_at = Some(now - Duration::minutes(2));
    store.insert_post(&declined, &event("create", None)).await.unwrap();
    let accepted =
        insert(&*store, &ws, PostStatus::Scheduled, Some(now - Duration::minutes(1))).await;
    let before = store.content_version(&ws.id).await.unwrap();

    let choosy = |p: &Post| if p.text == "not yet" { None } else { claim(p) };
    let claimed = store.claim_due(&every(now, 10), &choosy).await.unwrap();
    assert_eq!(ids(claimed.iter().map(|c| &c.post)), ids([&accepted]));
    let left = store.post(&ws.id, &declined.id).await.unwrap().unwrap();
    assert_eq!((left.status, left.version), (PostStatus::Scheduled, 1));
    assert_eq!(store.events(&declined.id).await.unwrap().len(), 1, "no event for a declined post");
    assert_eq!(store.content_version(&ws.id).await.unwrap(), before + 1);

    let later = store.claim_due(&every(now, 10), &claim).await.unwrap();
    assert_eq!(
        ids(later.iter().map(|c| &c.post)),
        ids([&declined]),
        "still due for the next claimer"
    );
}

pub async fn claim_due_takes_at_most_limit_posts_earliest_first(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let now = now_ms();
    let mut due = Vec::new();
    for minutes in [3, 5, 1, 4, 2] {
        due.push(
            insert(&*store, &ws, PostStatus::Scheduled, Some(now - Duration::minutes(minutes)))
                .await,
        );
    }
    let claimed = store.claim_due(&every(now, 2), &claim).await.unwrap();
    assert_eq!(ids(claimed.iter().map(|c| &c.post)), ids([&due[1], &due[3]]));
    assert_eq!(store.claim_due(&every(now, 10), &claim).await.unwrap().len(), 3);
}

/// `claimers` tasks claim batches of 10 until nothing is left for them; every one of
/// 200 due posts must be claimed, and by one claimer only.
async fn concurrent_claimers_claim_each_post_once(store: Arc<dyn Storage>, claimers: usize) {
    const POSTS: usize = 200;
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let now = now_ms();
    for i in 0..POSTS {
        insert(&*store, &ws, PostStatus::Scheduled, Some(now - Duration::seconds(i as i64))).await;
    }
    let tasks: Vec<_> = (0..claimers)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = store.claim_due(&every(now, 10), &claim).await.expect("claim_due");
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|c| c.post.id));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("claimer task"));
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "a post was claimed more than once");
    assert_eq!(all.len(), POSTS, "every due post is claimed");
    assert!(store.claim_due(&every(now, 10), &claim).await.unwrap().is_empty());
    let counts = store.counts(&ws.id).await.unwrap();
    assert_eq!(counts.by_status.get("publishing"), Some(&(POSTS as i64)));
    let content_version = store.content_version(&ws.id).await.unwrap();
    assert_eq!(content_version, 2 * POSTS as i64, "one insert and one claim commit per post");
}

pub async fn two_concurrent_claimers_claim_each_of_200_due_posts_exactly_once(
    store: Arc<dyn Storage>,
) {
    concurrent_claimers_claim_each_post_once(store, 2).await;
}

pub async fn eight_concurrent_claimers_claim_each_of_200_due_posts_exactly_once(
    store: Arc<dyn Storage>,
) {
    concurrent_claimers_claim_each_post_once(store, 8).await;
}
