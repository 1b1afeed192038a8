//! Scenarios for memberships: members are listed by name, roles change in place, and no
//! change leaves a workspace without an admin, even two admins demoting each other at
//! the same moment.

use crate::store::harness::{stored_user, workspace};
use herald::foundation::domain::{Role, User, Workspace};
use herald::storage::store::{Storage, StoreError};
use std::sync::Arc;
use tokio::sync::Barrier;

fn assert_last_admin<T: std::fmt::Debug>(outcome: Result<T, StoreError>) {
    assert!(matches!(outcome, Err(StoreError::LastAdmin)), "want LastAdmin, got {outcome:?}");
}

async fn role_of(store: &dyn Storage, ws: &Workspace, user: &User) -> Option<Role> {
    let members = store.members(&ws.id).await.unwrap();
    members.into_iter().find(|m| m.user.id == user.id).map(|m| m.role)
}

pub async fn members_are_added_listed_by_name_and_their_roles_changed(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    let other = workspace("Globex");
    store.create_workspace(&ws).await.unwrap();
    store.create_workspace(&other).await.unwrap();
    let s = &*store;
    let (carol, alice, bob) =
        (stored_user(s, "Carol").await, stored_user(s, "alice").await, stored_user(s, "Bob").await);
    store.set_member(&ws.id, &carol.id, Role::Admin).await.unwrap();
    store.set_member(&ws.id, &alice.id, Role::Viewer).await.unwrap();
    store.set_member(&ws.id, &bob.id, Role::Editor).await.unwrap();
    // A later millisecond, so alice's memberships have an order.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    store.set_member(&other.id, &alice.id, Role::Admin).await.unwrap();

    let members = store.members(&ws.id).await.unwrap();
    let listed: Vec<(&str, Role)> =
        members.iter().map(|m| (m.user.name.as_str(), m.role)).collect();
    assert_eq!(
        listed,
        vec![("alice", Role::Viewer), ("Bob", Role::Editor), ("Carol", Role::Admin)]
    );
    assert_eq!(members[0].user, alice, "with the whole user");

    let before = store.memberships_of(&alice.id).await.unwrap();
    let places: Vec<(&str, Role)> =
        before.iter().map(|m| (m.workspace_id.as_str(), m.role)).collect();
    assert_eq!(places, vec![(ws.id.as_str(), Role::Viewer), (other.id.as_str(), Role::Admin)]);
    assert!(before.iter().all(|m| m.user_id == alice.id));

    store.set_member(&ws.id, &alice.id, Role::Approver).await.unwrap();
    let after = store.memberships_of(&alice.id).await.unwrap();
    assert_eq!((after[0].role, after[0].created_at), (Role::Approver, before[0].created_at));
    assert_eq!(store.members(&ws.id).await.unwrap().len(), 3, "changed, not added");
    assert!(store.memberships_of("no-such-user").await.unwrap().is_empty());
    assert!(store.members("no-such-workspace").await.unwrap().is_empty());

    let err = store.set_member(&ws.id, "no-such-user", Role::Viewer).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "unknown user: got {err:?}");
    let err = store.set_member("no-such-workspace", &bob.id, Role::Viewer).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "unknown workspace: got {err:?}");
}

pub async fn remove_member_removes_a_member_once(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let (admin, bob) = (stored_user(&*store, "Ann").await, stored_user(&*store, "Bob").await);
    store.set_member(&ws.id, &admin.id, Role::Admin).await.unwrap();
    store.set_member(&ws.id, &bob.id, Role::Editor).await.unwrap();

    assert!(store.remove_member(&ws.id, &bob.id).await.unwrap());
    assert!(!store.remove_member(&ws.id, &bob.id).await.unwrap(), "no longer a member");
    assert!(!store.remove_member(&ws.id, "no-such-user").await.unwrap());
    assert!(store.memberships_of(&bob.id).await.unwrap().is_empty());
    assert_eq!(store.members(&ws.id).await.unwrap().len(), 1);
}

pub async fn the_last_admin_can_be_neither_demoted_nor_removed(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let (ann, bob) = (stored_user(&*store, "Ann").await, stored_user(&*store, "Bob").await);
    store.set_member(&ws.id, &ann.id, Role::Admin).await.unwrap();
    store.set_member(&ws.id, &bob.id, Role::Approver).await.unwrap();

    assert_last_admin(store.set_member(&ws.id, &ann.id, Role::Approver).await);
    assert_last_admin(store.remove_member(&ws.id, &ann.id).await);
    store.set_member(&ws.id, &ann.id, Role::Admin).await.expect("an admin stays admin");
    assert_eq!(role_of(&*store, &ws, &ann).await, Some(Role::Admin));
    store.set_member(&ws.id, &bob.id, Role::Viewer).await.expect("others change freely");

    store.set_member(&ws.id, &bob.id, Role::Admin).await.unwrap();
    store.set_member(&ws.id, &ann.id, Role::Editor).await.expect("another admin remains");
    assert_last_admin(store.remove_member(&ws.id, &bob.id).await);
    assert_last_admin(store.set_member(&ws.id, &bob.id, Role::Viewer).await);
    assert_eq!(role_of(&*store, &ws, &bob).await, Some(Role::Admin));
    assert!(store.remove_member(&ws.id, &ann.id).await.unwrap());
}

/// Rounds of two admins changing each other at the same moment (`change` applied to the
/// other): exactly one of each pair succeeds, the other is refused as the last admin.
async fn admins_changing_each_other_keep_one_admin(store: Arc<dyn Storage>, demote: bool) {
    const ROUNDS: usize = 20;
    for _ in 0..ROUNDS {
        let ws = workspace("Acme");
        store.create_workspace(&ws).await.unwrap();
        let pair = [stored_user(&*store, "Ann").await, stored_user(&*store, "Bob").await];
        for admin in &pair {
            store.set_member(&ws.id, &admin.id, Role::Admin).await.unwrap();
        }
        let barrier = Arc::new(Barrier::new(2));
        let tasks: Vec<_> = pair
            .iter()
            .map(|target| {
                let (store, barrier) = (store.clone(), barrier.clone());
                let (ws_id, target_id) = (ws.id.clone(), target.id.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    if demote {
                        store.set_member(&ws_id, &target_id, Role::Editor).await.map(|_| ())
                    } else {
                        store.remove_member(&ws_id, &target_id).await.map(|_| ())
                    }
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.expect("admin task"));
        }
        let done = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(done, 1, "exactly one change succeeds: {outcomes:?}");
        assert!(outcomes.iter().any(|o| matches!(o, Err(StoreError::LastAdmin))), "{outcomes:?}");
        let members = store.members(&ws.id).await.unwrap();
        let admins = members.iter().filter(|m| m.role == Role::Admin).count();
        assert_eq!(admins, 1, "one admin remains: {members:?}");
    }
}

pub async fn two_admins_demoting_each_other_at_once_leave_one_admin(store: Arc<dyn Storage>) {
    admins_changing_each_other_keep_one_admin(store, true).await;
}

pub async fn two_admins_removing_each_other_at_once_leave_one_admin(store: Arc<dyn Storage>) {
    admins_changing_each_other_keep_one_admin(store, false).await;
}
