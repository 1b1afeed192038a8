//! Scenarios for users and their sessions: e-mail addresses are one address whatever
//! their case, and a new password ends every session of its user.

use crate::store::harness::{assert_duplicate, session, stored_user, user};
use chrono::Duration;
use herald::foundation::domain::model::now_ms;
use herald::storage::store::{constraint, Storage, StoreError};
use std::sync::Arc;

pub async fn users_are_created_and_found_by_id_and_by_e_mail_in_any_case(store: Arc<dyn Storage>) {
    let mut ann = user("Ann");
    ann.email = "Ann.Lee@Example.COM".into();
    ann.global_admin = true;
    ann.notify_email = false;
    store.create_user(&ann, Some("hash-ann")).await.unwrap();
    let invited = user("Bob");
    store.create_user(&invited, None).await.unwrap();

    let found = store.user(&ann.id).await.unwrap().expect("by id");
    let want =
        herald::foundation::domain::User { email: "ann.lee@example.com".into(), ..ann.clone() };
    assert_eq!(found.user, want, "stored with the e-mail lowercased");
    assert_eq!(found.password_hash.as_deref(), Some("hash-ann"));
    for spelling in ["ann.lee@example.com", "ANN.LEE@EXAMPLE.COM", "Ann.Lee@Example.COM"] {
        let by_email = store.user_by_email(spelling).await.unwrap().expect(spelling);
        assert_eq!(by_email.user.id, ann.id, "{spelling}");
    }
    let bob = store.user(&invited.id).await.unwrap().expect("a user without a password");
    assert_eq!(bob.password_hash, None);
    assert!(store.user("no-such-user").await.unwrap().is_none());
    assert!(store.user_by_email("nobody@example.com").await.unwrap().is_none());
}

pub async fn a_taken_e_mail_in_any_case_is_refused_as_duplicate(store: Arc<dyn Storage>) {
    let mut ann = user("Ann");
    ann.email = "ann@example.com".into();
    store.create_user(&ann, Some("hash-ann")).await.unwrap();
    for spelling in ["ann@example.com", "ANN@Example.com"] {
        let mut twin = user("Other Ann");
        twin.email = spelling.into();
        let err = store.create_user(&twin, None).await.unwrap_err();
        assert_duplicate(&err, constraint::USER_EMAIL);
        assert!(store.user(&twin.id).await.unwrap().is_none(), "{spelling} not stored");
    }
    let mut same_id = user("Ann again");
    same_id.id = ann.id.clone();
    assert_duplicate(&store.create_user(&same_id, None).await.unwrap_err(), constraint::USER_ID);
}

pub async fn update_user_writes_name_global_admin_and_notify_email_but_not_the_e_mail(
    store: Arc<dyn Storage>,
) {
    let ann = stored_user(&*store, "Ann").await;
    let mut changed = ann.clone();
    changed.name = "Ann Lee".into();
    changed.global_admin = true;
    changed.notify_email = false;
    changed.email = "someone.else@example.com".into();
    store.update_user(&changed).await.unwrap();
    let stored = store.user(&ann.id).await.unwrap().unwrap();
    assert_eq!(
        stored.user,
        herald::foundation::domain::User { email: ann.email.clone(), ..changed }
    );
    assert_eq!(stored.password_hash.as_deref(), Some("hash-of-a-password"), "hash untouched");

    let err = store.update_user(&user("Ghost")).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "got {err:?}");
}

pub async fn set_password_sets_the_hash_and_ends_every_session_of_the_user(
    store: Arc<dyn Storage>,
) {
    let ann = stored_user(&*store, "Ann").await;
    let bob = stored_user(&*store, "Bob").await;
    let (first, second, bobs) = (session(&ann.id, 20), session(&ann.id, 10), session(&bob.id, 5));
    for s in [&first, &second, &bobs] {
        store.create_session(s).await.unwrap();
    }

    assert_eq!(store.set_password(&ann.id, "new-hash").await.unwrap(), 2);
    let stored = store.user(&ann.id).await.unwrap().unwrap();
    assert_eq!(stored.password_hash.as_deref(), Some("new-hash"));
    assert!(store.session(&first.id_hash).await.unwrap().is_none());
    assert!(store.session(&second.id_hash).await.unwrap().is_none());
    assert!(store.sessions_of(&ann.id).await.unwrap().is_empty());
    assert_eq!(store.session(&bobs.id_hash).await.unwrap(), Some(bobs), "other users keep theirs");
    assert_eq!(store.set_password(&ann.id, "newer-hash").await.unwrap(), 0, "none left");

    let err = store.set_password("no-such-user", "hash").await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "got {err:?}");
}

pub async fn sessions_are_created_found_listed_newest_first_touched_and_deleted(
    store: Arc<dyn Storage>,
) {
    let ann = stored_user(&*store, "Ann").await;
    let bob = stored_user(&*store, "Bob").await;
    let (old, new, bobs) = (session(&ann.id, 60), session(&ann.id, 30), session(&bob.id, 10));
    let mut anonymous = session(&ann.id, 45);
    anonymous.user_agent = None;
    for s in [&old, &new, &anonymous, &bobs] {
        store.create_session(s).await.unwrap();
    }
    assert_eq!(store.session(&anonymous.id_hash).await.unwrap(), Some(anonymous.clone()));
    assert!(store.session("no-such-session").await.unwrap().is_none());
    let listed = store.sessions_of(&ann.id).await.unwrap();
    assert_eq!(listed, vec![new.clone(), anonymous.clone(), old.clone()], "newest first");
    assert_duplicate(&store.create_session(&old).await.unwrap_err(), constraint::SESSION_ID);
    let err = store.create_session(&session("no-such-user", 0)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "a session of an unknown user: got {err:?}");

    let later = now_ms() + Duration::minutes(5);
    store.touch_session(&old.id_hash, later).await.unwrap();
    store.touch_session(&old.id_hash, later - Duration::minutes(1)).await.unwrap();
    let touched = store.session(&old.id_hash).await.unwrap().unwrap();
    assert_eq!(touched.last_seen_at, later, "forward only");
    assert_eq!((touched.created_at, touched.expires_at), (old.created_at, old.expires_at));
    store.touch_session("no-such-session", later).await.unwrap();
    assert!(store.session("no-such-session").await.unwrap().is_none(), "a touch creates none");

    assert!(store.delete_session(&new.id_hash).await.unwrap());
    assert!(!store.delete_session(&new.id_hash).await.unwrap(), "already ended");
    assert_eq!(store.delete_sessions_of(&ann.id).await.unwrap(), 2);
    assert_eq!(store.delete_sessions_of(&ann.id).await.unwrap(), 0);
    assert_eq!(store.sessions_of(&bob.id).await.unwrap(), vec![bobs]);
}
