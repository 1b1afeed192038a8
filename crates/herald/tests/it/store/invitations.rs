//! Scenarios for invitations: listed while open, withdrawn once, and accepted once (also
//! by concurrent acceptances) in one transaction with the user and the membership;
//! used, withdrawn or expired ones are `Gone` and the attempt writes nothing.

use crate::store::harness::{assert_duplicate, invitation, stored_user, user, workspace};
use chrono::Duration;
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::{Invitation, Role, User, Workspace};
use herald::storage::store::{constraint, Acceptance, Storage, StoreError};
use std::sync::Arc;
use tokio::sync::Barrier;

fn assert_gone<T: std::fmt::Debug>(outcome: Result<T, StoreError>) {
    assert!(matches!(outcome, Err(StoreError::Gone)), "want Gone, got {outcome:?}");
}

fn new_user(name: &str) -> (User, Acceptance) {
    let u = user(name);
    (u.clone(), Acceptance::NewUser { user: u, password_hash: format!("hash-{name}") })
}

fn existing(u: &User) -> Acceptance {
    Acceptance::Existing { user_id: u.id.clone() }
}

async fn stored_workspace(store: &dyn Storage) -> Workspace {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    ws
}

async fn invite(store: &dyn Storage, ws: &Workspace, email: &str, role: Role) -> Invitation {
    let i = invitation(ws, email, role);
    store.create_invitation(&i).await.unwrap();
    i
}

pub async fn open_invitations_are_listed_found_by_hash_and_withdrawn_once(store: Arc<dyn Storage>) {
    let (ws, other) = (stored_workspace(&*store).await, stored_workspace(&*store).await);
    let mut expired = invitation(&ws, "Old@Example.com", Role::Viewer);
    (expired.created_at, expired.expires_at) =
        (now_ms() - Duration::days(8), now_ms() - Duration::days(1));
    store.create_invitation(&expired).await.unwrap();
    let open = invite(&*store, &ws, "ann@example.com", Role::Editor).await;
    let withdrawn = invite(&*store, &ws, "bob@example.com", Role::Approver).await;
    let accepted = invite(&*store, &ws, "carol@example.com", Role::Viewer).await;
    let foreign = invite(&*store, &other, "dan@example.com", Role::Admin).await;
    store.accept_invitation(&accepted.token_hash, now_ms(), &new_user("Carol").1).await.unwrap();
    let at = now_ms();
    assert!(!store.withdraw_invitation(&other.id, &withdrawn.id, at).await.unwrap());
    assert!(store.withdraw_invitation(&ws.id, &withdrawn.id, at).await.unwrap());
    assert!(!store.withdraw_invitation(&ws.id, &withdrawn.id, at).await.unwrap(), "once");
    assert!(!store.withdraw_invitation(&ws.id, &accepted.id, at).await.unwrap(), "accepted");
    assert!(!store.withdraw_invitation(&ws.id, "no-such-invitation", at).await.unwrap());

    let want_expired = Invitation { email: "old@example.com".into(), ..expired };
    assert_eq!(store.invitations(&ws.id).await.unwrap(), vec![want_expired, open.clone()]);
    assert_eq!(store.invitations(&other.id).await.unwrap(), vec![foreign]);
    assert_eq!(store.invitation_by_hash(&open.token_hash).await.unwrap(), Some(open));
    let found = store.invitation_by_hash(&withdrawn.token_hash).await.unwrap().unwrap();
    assert_eq!(found, Invitation { withdrawn_at: Some(at), ..withdrawn });
    let found = store.invitation_by_hash(&accepted.token_hash).await.unwrap().unwrap();
    assert!(found.accepted_at.is_some());
    assert!(store.invitation_by_hash("no-such-hash").await.unwrap().is_none());
    let mut twin = invitation(&ws, "eve@example.com", Role::Viewer);
    twin.token_hash = found.token_hash;
    let err = store.create_invitation(&twin).await.unwrap_err();
    assert_duplicate(&err, constraint::INVITATION_TOKEN_HASH);
}

pub async fn accepting_as_a_new_user_creates_the_user_and_the_membership(store: Arc<dyn Storage>) {
    let ws = stored_workspace(&*store).await;
    let i = invite(&*store, &ws, "ann@example.com", Role::Approver).await;
    let (ann, acceptance) = new_user("Ann");
    let now = now_ms();

    let accepted = store.accept_invitation(&i.token_hash, now, &acceptance).await.unwrap();
    let want = User { email: ann.email.to_lowercase(), ..ann };
    assert_eq!((&accepted.user, accepted.workspace_id.as_str()), (&want, ws.id.as_str()));
    assert_eq!(accepted.role, Role::Approver);
    let stored = store.user(&want.id).await.unwrap().expect("the user is created");
    assert_eq!((stored.user, stored.password_hash.as_deref()), (want.clone(), Some("hash-Ann")));
    let memberships = store.memberships_of(&want.id).await.unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!((memberships[0].role, memberships[0].created_at), (Role::Approver, now));
    let taken = store.invitation_by_hash(&i.token_hash).await.unwrap().unwrap();
    assert_eq!(taken.accepted_at, Some(now));
    assert!(store.invitations(&ws.id).await.unwrap().is_empty(), "no longer open");
}

pub async fn an_invitation_is_accepted_once(store: Arc<dyn Storage>) {
    let ws = stored_workspace(&*store).await;
    let i = invite(&*store, &ws, "ann@example.com", Role::Editor).await;
    let ann = stored_user(&*store, "Ann").await;
    let bob = stored_user(&*store, "Bob").await;
    store.accept_invitation(&i.token_hash, now_ms(), &existing(&ann)).await.unwrap();

    assert_gone(store.accept_invitation(&i.token_hash, now_ms(), &existing(&bob)).await);
    assert!(store.memberships_of(&bob.id).await.unwrap().is_empty(), "nothing written");
    let (carol, acceptance) = new_user("Carol");
    assert_gone(store.accept_invitation(&i.token_hash, now_ms(), &acceptance).await);
    assert!(store.user(&carol.id).await.unwrap().is_none(), "no user created");
}

pub async fn an_expired_or_withdrawn_invitation_is_gone_and_nothing_is_written(
    store: Arc<dyn Storage>,
) {
    let ws = stored_workspace(&*store).await;
    let i = invite(&*store, &ws, "ann@example.com", Role::Editor).await;
    let (ann, acceptance) = new_user("Ann");
    assert_gone(store.accept_invitation(&i.token_hash, i.expires_at, &acceptance).await);
    assert!(store.user(&ann.id).await.unwrap().is_none(), "no user created");
    let left = store.invitation_by_hash(&i.token_hash).await.unwrap().unwrap();
    assert_eq!(left.accepted_at, None);

    let bob = stored_user(&*store, "Bob").await;
    let w = invite(&*store, &ws, "bob@example.com", Role::Admin).await;
    assert!(store.withdraw_invitation(&ws.id, &w.id, now_ms()).await.unwrap());
    assert_gone(store.accept_invitation(&w.token_hash, now_ms(), &existing(&bob)).await);
    assert!(store.memberships_of(&bob.id).await.unwrap().is_empty(), "no membership");

    let err = store.accept_invitation("no-such-hash", now_ms(), &existing(&bob)).await;
    assert!(matches!(err, Err(StoreError::NotFound)), "an unknown invitation: {err:?}");
}

pub async fn accepting_as_an_existing_member_keeps_the_higher_role(store: Arc<dyn Storage>) {
    let ws = stored_workspace(&*store).await;
    let (ann, bob) = (stored_user(&*store, "Ann").await, stored_user(&*store, "Bob").await);
    store.set_member(&ws.id, &ann.id, Role::Approver).await.unwrap();
    store.set_member(&ws.id, &bob.id, Role::Viewer).await.unwrap();

    let lower = invite(&*store, &ws, &ann.email, Role::Editor).await;
    let kept = store.accept_invitation(&lower.token_hash, now_ms(), &existing(&ann)).await;
    assert_eq!(kept.unwrap().role, Role::Approver);
    let higher = invite(&*store, &ws, &bob.email, Role::Admin).await;
    let raised = store.accept_invitation(&higher.token_hash, now_ms(), &existing(&bob)).await;
    let raised = raised.unwrap();
    assert_eq!((raised.user, raised.role), (bob.clone(), Role::Admin));

    let roles: Vec<(String, Role)> =
        store.members(&ws.id).await.unwrap().into_iter().map(|m| (m.user.id, m.role)).collect();
    assert_eq!(roles, vec![(ann.id.clone(), Role::Approver), (bob.id.clone(), Role::Admin)]);

    let ghost = Acceptance::Existing { user_id: "no-such-user".into() };
    let i = invite(&*store, &ws, "ghost@example.com", Role::Viewer).await;
    let err = store.accept_invitation(&i.token_hash, now_ms(), &ghost).await;
    assert!(matches!(err, Err(StoreError::NotFound)), "an unknown existing user: {err:?}");
    assert_eq!(store.invitations(&ws.id).await.unwrap(), vec![i], "left open");
}

pub async fn accepting_as_a_new_user_with_a_taken_e_mail_is_a_duplicate_and_writes_nothing(
    store: Arc<dyn Storage>,
) {
    let ws = stored_workspace(&*store).await;
    let ann = stored_user(&*store, "Ann").await;
    let i = invite(&*store, &ws, &ann.email, Role::Editor).await;
    let (mut twin, _) = new_user("Ann again");
    twin.email = ann.email.to_uppercase();
    let acceptance = Acceptance::NewUser { user: twin.clone(), password_hash: "hash".into() };

    let err = store.accept_invitation(&i.token_hash, now_ms(), &acceptance).await.unwrap_err();
    assert_duplicate(&err, constraint::USER_EMAIL);
    assert!(store.user(&twin.id).await.unwrap().is_none());
    assert_eq!(store.invitations(&ws.id).await.unwrap(), vec![i.clone()], "still open");
    let accepted = store.accept_invitation(&i.token_hash, now_ms(), &existing(&ann)).await;
    assert_eq!(accepted.unwrap().role, Role::Editor, "and usable by the existing user");
}

/// Rounds of two users accepting one invitation at the same moment: exactly one gets
/// in, the other is `Gone` and gains nothing.
pub async fn two_concurrent_acceptances_of_one_invitation_succeed_once(store: Arc<dyn Storage>) {
    const ROUNDS: usize = 20;
    let ws = stored_workspace(&*store).await;
    for _ in 0..ROUNDS {
        let i = invite(&*store, &ws, "shared@example.com", Role::Editor).await;
        let pair = [stored_user(&*store, "Ann").await, stored_user(&*store, "Bob").await];
        let barrier = Arc::new(Barrier::new(2));
        let tasks: Vec<_> = pair
            .iter()
            .map(|u| {
                let (store, barrier) = (store.clone(), barrier.clone());
                let (hash, acceptance) = (i.token_hash.clone(), existing(u));
                tokio::spawn(async move {
                    barrier.wait().await;
                    store.accept_invitation(&hash, now_ms(), &acceptance).await
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.expect("acceptance task"));
        }
        let winners: Vec<&User> = outcomes.iter().flatten().map(|a| &a.user).collect();
        assert_eq!(winners.len(), 1, "exactly one acceptance: {outcomes:?}");
        assert!(outcomes.iter().any(|o| matches!(o, Err(StoreError::Gone))), "{outcomes:?}");
        for u in &pair {
            let joined = !store.memberships_of(&u.id).await.unwrap().is_empty();
            assert_eq!(joined, winners[0].id == u.id, "only the winner is a member");
        }
    }
}
