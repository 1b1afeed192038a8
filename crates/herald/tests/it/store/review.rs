//! Comments and client review links in the store: a comment is written with its
//! mentions' notifications in one transaction (none for a post of another workspace), a
//! link is found by its secret's hash alone and revoked within its workspace, and each
//! due reminder is taken exactly once by eight concurrent takers, given back on request.

use super::harness::{event, post, stored_user, workspace};
use chrono::{Duration, Utc};
use herald::foundation::domain::notifications::{NewNotification, NotificationKind};
use herald::foundation::domain::review::{Comment, ReviewLink};
use herald::foundation::domain::PostStatus;
use herald::storage::store::{Storage, StoreError};
use std::collections::HashSet;
use std::sync::Arc;

fn comment(ws: &str, post_id: &str, mentions: Vec<String>) -> Comment {
    Comment {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.to_owned(),
        post_id: post_id.to_owned(),
        author: "user:someone".into(),
        text: "Looks good @Ann".into(),
        mentions,
        created_at: Utc::now(),
    }
}

fn link(ws: &str, post_id: &str, lived_hours: i64, left_hours: i64) -> ReviewLink {
    let now = Utc::now();
    ReviewLink {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.to_owned(),
        secret_hash: uuid::Uuid::new_v4().simple().to_string(),
        post_ids: vec![post_id.to_owned()],
        reviewer_name: "Client".into(),
        reviewer_email: Some("client@example.com".into()),
        can_decide: true,
        created_by: "user:creator".into(),
        created_at: now - Duration::hours(lived_hours),
        expires_at: now + Duration::hours(left_hours),
        revoked_at: None,
        reminded_at: None,
    }
}

pub async fn a_comment_and_its_mentions_are_written_together_and_listed_oldest_first(
    store: Arc<dyn Storage>,
) {
    let ws = workspace("comments");
    store.create_workspace(&ws).await.unwrap();
    let p = post(&ws, PostStatus::PendingApproval, &["twitter"]);
    store.insert_post(&p, &event("create", None)).await.unwrap();
    let ann = stored_user(store.as_ref(), "Ann").await;
    let first = comment(&ws.id, &p.id, vec![ann.id.clone()]);
    let note = NewNotification {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: ann.id.clone(),
        workspace_id: ws.id.clone(),
        post_id: Some(p.id.clone()),
        kind: NotificationKind::Mentioned,
        text: "mentioned".into(),
        source: format!("comment:{}", first.id),
        created_at: first.created_at,
    };
    let created = store.add_comment(&first, std::slice::from_ref(&note), &[], &[]).await.unwrap();
    assert_eq!(created.len(), 1);
    assert_eq!(store.notifications_of(&ann.id, true, 10).await.unwrap().len(), 1);
    let second = comment(&ws.id, &p.id, vec![]);
    store.add_comment(&second, &[], &[], &[]).await.unwrap();
    let listed = store.comments(&ws.id, &p.id).await.unwrap();
    assert_eq!(listed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [&first.id, &second.id]);
    assert_eq!(listed[0].mentions.join(","), ann.id);

    // A post of another workspace: nothing is written, not even the notification.
    let other = workspace("elsewhere");
    store.create_workspace(&other).await.unwrap();
    let stray = comment(&other.id, &p.id, vec![ann.id.clone()]);
    let note = NewNotification {
        id: uuid::Uuid::now_v7().to_string(),
        source: format!("comment:{}", stray.id),
        ..note
    };
    let refused = store.add_comment(&stray, &[note], &[], &[]).await.unwrap_err();
    assert!(matches!(refused, StoreError::NotFound), "{refused:?}");
    assert_eq!(store.notifications_of(&ann.id, false, 10).await.unwrap().len(), 1);
    assert!(store.comments(&other.id, &p.id).await.unwrap().is_empty());

    assert!(
        !store.delete_comment(&other.id, &p.id, &first.id).await.unwrap(),
        "not across workspaces"
    );
    assert!(store.delete_comment(&ws.id, &p.id, &first.id).await.unwrap());
    assert!(store.comment(&ws.id, &p.id, &first.id).await.unwrap().is_none());
}

pub async fn a_link_is_found_by_its_hash_and_revoked_within_its_workspace(store: Arc<dyn Storage>) {
    let ws = workspace("links");
    store.create_workspace(&ws).await.unwrap();
    let p = post(&ws, PostStatus::PendingApproval, &["twitter"]);
    store.insert_post(&p, &event("create", None)).await.unwrap();
    let l = link(&ws.id, &p.id, 1, 71);
    store.create_review_link(&l).await.unwrap();
    let found = store.review_link_by_hash(&l.secret_hash).await.unwrap().unwrap();
    let fields = |l: &ReviewLink| {
        (
            l.id.clone(),
            l.workspace_id.clone(),
            l.post_ids.clone(),
            l.reviewer_email.clone(),
            l.can_decide,
            l.created_by.clone(),
            l.expires_at.timestamp_millis(),
        )
    };
    assert_eq!(fields(&found), fields(&l));
    assert!(store.review_link_by_hash("nope").await.unwrap().is_none());
    assert!(!store.revoke_review_link("another-ws", &l.id, Utc::now()).await.unwrap());
    assert!(store.revoke_review_link(&ws.id, &l.id, Utc::now()).await.unwrap());
    let revoked = store.review_links(&ws.id).await.unwrap();
    assert!(revoked[0].revoked_at.is_some() && !revoked[0].open_at(Utc::now()));
}

pub async fn each_due_reminder_is_taken_exactly_once_by_eight_concurrent_takers(
    store: Arc<dyn Storage>,
) {
    let ws = workspace("reminders");
    store.create_workspace(&ws).await.unwrap();
    let p = post(&ws, PostStatus::PendingApproval, &["twitter"]);
    store.insert_post(&p, &event("create", None)).await.unwrap();
    let mut due = HashSet::new();
    for _ in 0..20 {
        let l = link(&ws.id, &p.id, 60, 10);
        store.create_review_link(&l).await.unwrap();
        due.insert(l.id);
    }
    // Not due: far from expiry, too short-lived, without an address, revoked.
    store.create_review_link(&link(&ws.id, &p.id, 1, 60)).await.unwrap();
    store.create_review_link(&link(&ws.id, &p.id, 2, 10)).await.unwrap();
    store
        .create_review_link(&ReviewLink { reviewer_email: None, ..link(&ws.id, &p.id, 60, 10) })
        .await
        .unwrap();
    let revoked = link(&ws.id, &p.id, 60, 10);
    store.create_review_link(&revoked).await.unwrap();
    store.revoke_review_link(&ws.id, &revoked.id, Utc::now()).await.unwrap();

    let now = Utc::now();
    let takers = (0..8).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            store.take_review_reminders(now + Duration::hours(24), now, 50).await.unwrap()
        })
    });
    let mut taken = Vec::new();
    for t in takers {
        taken.extend(t.await.unwrap().into_iter().map(|l| l.id));
    }
    let distinct: HashSet<String> = taken.iter().cloned().collect();
    assert_eq!(taken.len(), distinct.len(), "a reminder was taken twice");
    assert_eq!(distinct, due, "exactly the due links");
    assert!(store
        .take_review_reminders(now + Duration::hours(24), now, 50)
        .await
        .unwrap()
        .is_empty());

    let back = due.iter().next().unwrap().clone();
    store.release_review_reminder(&back).await.unwrap();
    let again = store.take_review_reminders(now + Duration::hours(24), now, 50).await.unwrap();
    assert_eq!(again.into_iter().map(|l| l.id).collect::<Vec<_>>(), [back]);
}
