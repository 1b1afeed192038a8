//! Scenarios for notifications (each once per source, user and kind, with its e-mail in
//! the same transaction), their listing and read marks, and the e-mail outbox claimed by
//! one sender at a time.

use crate::store::harness::{stored_user, workspace};
use chrono::{DateTime, Duration, Utc};
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::{NewMail, NewNotification, NotificationKind, User, Workspace};
use herald::storage::store::{Storage, StoreError};
use std::collections::HashSet;
use std::sync::Arc;

const LEASE: std::time::Duration = std::time::Duration::from_secs(60);

/// A notification to `user` in `ws` about `source`, created at `at`.
fn note(
    user: &User,
    ws: &Workspace,
    source: &str,
    kind: NotificationKind,
    at: DateTime<Utc>,
) -> NewNotification {
    NewNotification {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user.id.clone(),
        workspace_id: ws.id.clone(),
        post_id: None,
        kind,
        text: format!("{kind} from {source}"),
        source: source.to_owned(),
        created_at: at,
    }
}

fn mail(n: &NewNotification) -> NewMail {
    NewMail {
        notification_id: n.id.clone(),
        to: "someone@example.com".into(),
        subject: n.text.clone(),
        body: format!("Hello,\n\n{}\n", n.text),
    }
}

async fn setup(store: &dyn Storage) -> (Workspace, User, User) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    (ws, stored_user(store, "Alice").await, stored_user(store, "Bob").await)
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| id(i).to_owned()).collect()
}

pub async fn a_notification_is_created_once_per_source_user_and_kind_with_its_mail(
    store: Arc<dyn Storage>,
) {
    let (ws, alice, bob) = setup(&*store).await;
    let now = now_ms();
    let to_alice = note(&alice, &ws, "event-1", NotificationKind::ApprovalRequested, now);
    let to_bob = note(&bob, &ws, "event-1", NotificationKind::ApprovalRequested, now);
    let quiet = note(&alice, &ws, "event-1", NotificationKind::Approved, now);
    let batch = [to_alice.clone(), to_bob.clone(), quiet.clone()];
    let created =
        store.create_notifications(&batch, &[mail(&to_alice), mail(&to_bob)]).await.unwrap();
    assert_eq!(ids(&created, |n| &n.id), ids(&batch, |n| &n.id), "all new, in order");
    assert!(created.iter().all(|n| n.read_at.is_none()));

    // Again, under new ids, with one more: only the new one is created, and its mail only.
    let again: Vec<NewNotification> = batch
        .iter()
        .map(|n| NewNotification { id: uuid::Uuid::now_v7().to_string(), ..n.clone() })
        .collect();
    let fresh = note(&bob, &ws, "event-2", NotificationKind::PublishFailed, now);
    let all = [again.clone(), vec![fresh.clone()]].concat();
    let mails: Vec<NewMail> = all.iter().map(mail).collect();
    let created = store.create_notifications(&all, &mails).await.unwrap();
    assert_eq!(ids(&created, |n| &n.id), std::slice::from_ref(&fresh.id));

    let outbox = store.claim_mail(now, LEASE, 100).await.unwrap();
    let want = [to_alice.id.clone(), to_bob.id.clone(), fresh.id.clone()];
    assert_eq!(
        ids(&outbox, |m| &m.id).into_iter().collect::<HashSet<_>>(),
        want.into_iter().collect::<HashSet<_>>(),
        "one mail per created notification that had one"
    );
    assert_eq!(store.notifications_of(&alice.id, false, 10).await.unwrap().len(), 2);
}

pub async fn notifications_are_listed_newest_first_and_marked_read_by_their_user_only(
    store: Arc<dyn Storage>,
) {
    let (ws, alice, bob) = setup(&*store).await;
    let base = now_ms() - Duration::minutes(10);
    let mut mine = Vec::new();
    for i in 0..4 {
        let at = base + Duration::minutes(i);
        mine.push(note(&alice, &ws, &format!("e{i}"), NotificationKind::Approved, at));
    }
    let bobs = note(&bob, &ws, "e0", NotificationKind::Approved, base);
    store.create_notifications(&[mine.clone(), vec![bobs.clone()]].concat(), &[]).await.unwrap();
    let newest: Vec<String> = mine.iter().rev().map(|n| n.id.clone()).collect();
    let listed = store.notifications_of(&alice.id, false, 10).await.unwrap();
    assert_eq!(ids(&listed, |n| &n.id), newest);
    assert_eq!(
        ids(&store.notifications_of(&alice.id, false, 2).await.unwrap(), |n| &n.id),
        newest[..2]
    );
    assert_eq!(store.unread_count(&alice.id).await.unwrap(), 4);

    let read_at = now_ms();
    let marking = [mine[1].id.clone(), mine[3].id.clone(), bobs.id.clone(), "nope".into()];
    assert_eq!(store.mark_read(&alice.id, &marking, read_at).await.unwrap(), 2, "hers only");
    assert_eq!(store.mark_read(&alice.id, &marking, now_ms()).await.unwrap(), 0, "once");
    assert_eq!(store.unread_count(&alice.id).await.unwrap(), 2);
    assert_eq!(store.unread_count(&bob.id).await.unwrap(), 1, "Bob's is still unread");
    let unread = store.notifications_of(&alice.id, true, 10).await.unwrap();
    assert_eq!(ids(&unread, |n| &n.id), [mine[2].id.clone(), mine[0].id.clone()]);
    let read = store.notifications_of(&alice.id, false, 10).await.unwrap();
    assert_eq!(read[0].read_at, Some(read_at), "the first read time stays");
    assert_eq!((read[0].kind, read[0].source.as_str()), (NotificationKind::Approved, "e3"));
}

pub async fn a_notification_to_an_unknown_user_is_not_found_and_nothing_is_written(
    store: Arc<dyn Storage>,
) {
    let (ws, alice, _) = setup(&*store).await;
    let now = now_ms();
    let fine = note(&alice, &ws, "e1", NotificationKind::Rejected, now);
    let ghost = User { id: "no-such-user".into(), ..alice.clone() };
    let lost = note(&ghost, &ws, "e1", NotificationKind::Rejected, now);
    let err = store.create_notifications(&[fine.clone(), lost], &[mail(&fine)]).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "got {err:?}");
    assert!(store.notifications_of(&alice.id, false, 10).await.unwrap().is_empty());
    assert!(store.claim_mail(now, LEASE, 10).await.unwrap().is_empty(), "no mail either");
}

pub async fn concurrent_creations_of_one_notification_create_it_once_with_one_mail(
    store: Arc<dyn Storage>,
) {
    let (ws, alice, _) = setup(&*store).await;
    let now = now_ms();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let n = note(&alice, &ws, "event-9", NotificationKind::ChangesRequested, now);
            tokio::spawn(async move {
                store.create_notifications(std::slice::from_ref(&n), &[mail(&n)]).await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        created += task.await.unwrap().expect("create_notifications").len();
    }
    assert_eq!(created, 1, "one creator");
    assert_eq!(store.claim_mail(now, LEASE, 10).await.unwrap().len(), 1, "one mail");
}

pub async fn claim_mail_holds_each_mail_until_its_lease_ends_and_counts_attempts(
    store: Arc<dyn Storage>,
) {
    let (ws, alice, _) = setup(&*store).await;
    let now = now_ms();
    let notes: Vec<NewNotification> = (0..3)
        .map(|i| {
            let at = now - Duration::seconds(10 - i);
            note(&alice, &ws, &format!("e{i}"), NotificationKind::Approved, at)
        })
        .collect();
    store.create_notifications(&notes, &notes.iter().map(mail).collect::<Vec<_>>()).await.unwrap();

    let first = store.claim_mail(now, LEASE, 2).await.unwrap();
    assert_eq!(ids(&first, |m| &m.id), ids(&notes[..2], |n| &n.id), "oldest first");
    assert!(first.iter().all(|m| m.attempts == 1 && m.claimed_until > now));
    assert_eq!(first[0].subject, notes[0].text);
    let rest = store.claim_mail(now, LEASE, 10).await.unwrap();
    assert_eq!(ids(&rest, |m| &m.id), [notes[2].id.clone()], "claimed ones are held");

    assert!(store.mail_sent(&first[0].id, now).await.unwrap());
    assert!(!store.mail_sent(&first[0].id, now).await.unwrap(), "sent once");
    let retry_at = now + Duration::minutes(5);
    assert!(store.mail_failed(&first[1].id, retry_at).await.unwrap());
    assert!(!store.mail_failed(&first[0].id, retry_at).await.unwrap(), "a sent mail stays sent");
    let within_lease = now + Duration::seconds(30);
    assert!(store.claim_mail(within_lease, LEASE, 10).await.unwrap().is_empty(), "all held");

    let later = store.claim_mail(retry_at, LEASE, 10).await.unwrap();
    let mut got = ids(&later, |m| &m.id);
    got.sort();
    let mut want = vec![first[1].id.clone(), notes[2].id.clone()];
    want.sort();
    assert_eq!(got, want, "the failed one at its retry time, the lapsed lease with it");
    assert!(later.iter().all(|m| m.attempts == 2));
}

/// One round: 50 new mails, two senders claiming batches at once until none is left.
async fn mail_round(store: &Arc<dyn Storage>, ws: &Workspace, user: &User, round: usize) {
    let now = now_ms() + Duration::hours(round as i64);
    let notes: Vec<NewNotification> = (0..50)
        .map(|i| note(user, ws, &format!("r{round}-{i}"), NotificationKind::Approved, now))
        .collect();
    store.create_notifications(&notes, &notes.iter().map(mail).collect::<Vec<_>>()).await.unwrap();
    let senders: Vec<_> = (0..2)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut held = Vec::new();
                loop {
                    let batch = store.claim_mail(now, LEASE, 4).await.expect("claim_mail");
                    if batch.is_empty() {
                        return held;
                    }
                    held.extend(batch.into_iter().map(|m| m.id));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for sender in senders {
        all.extend(sender.await.unwrap());
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "round {round}: a mail was held twice");
    assert_eq!(all.len(), 50, "round {round}: every mail claimed");
    for id in &all {
        assert!(store.mail_sent(id, now).await.unwrap());
    }
}

pub async fn two_concurrent_senders_never_hold_the_same_of_50_mails_in_20_rounds(
    store: Arc<dyn Storage>,
) {
    let (ws, alice, _) = setup(&*store).await;
    for round in 0..20 {
        mail_round(&store, &ws, &alice, round).await;
    }
}
