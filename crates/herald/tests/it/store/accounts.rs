//! Scenarios for everything around posts: workspaces (with their X credentials), tokens
//! (with who created them), webhook deliveries, ping.

use crate::store::harness::{assert_duplicate, assert_same_workspace, event, post, stored_user};
use crate::store::harness::{workspace, x_pair};
use chrono::Duration;
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::{LateApproval, PostStatus, Role, XCredentials};
use herald::foundation::secret::Secret;
use herald::storage::store::{constraint, Storage, StoreError, TokenRecord};
use std::sync::Arc;

pub async fn ping_answers(store: Arc<dyn Storage>) {
    store.ping().await.expect("ping");
}

pub async fn after_close_operations_fail_as_unavailable(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    store.close().await;
    let err = store.ping().await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "ping: got {err:?}");
    let err = store.create_workspace(&workspace("Globex")).await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "write: got {err:?}");
}

pub async fn workspaces_are_created_read_by_id_and_name_listed_and_updated(
    store: Arc<dyn Storage>,
) {
    let mut first = workspace("Acme");
    first.created_at = now_ms() - Duration::seconds(10);
    let second = workspace("Globex");
    store.create_workspace(&second).await.unwrap();
    store.create_workspace(&first).await.unwrap();

    assert_same_workspace(&store.workspace(&first.id).await.unwrap().expect("by id"), &first);
    assert_same_workspace(
        &store.workspace_by_name(&second.name).await.unwrap().expect("by name"),
        &second,
    );
    assert!(store.workspace("nope").await.unwrap().is_none());
    assert!(store.workspace_by_name("nope").await.unwrap().is_none());
    let listed: Vec<String> = store.workspaces().await.unwrap().into_iter().map(|w| w.id).collect();
    assert_eq!(listed, vec![first.id.clone(), second.id.clone()], "oldest first");

    // A post change bumps the content version; updating settings leaves it alone.
    store
        .insert_post(&post(&first, PostStatus::Draft, &["twitter"]), &event("create", None))
        .await
        .unwrap();
    let mut changed = first.clone();
    changed.name = format!("{} Renamed", first.name);
    changed.timezone = "America/New_York".into();
    changed.requires_approval = false;
    changed.late_approval = LateApproval::Publish;
    changed.content_version = 99;
    store.update_workspace(&changed).await.unwrap();
    let stored = store.workspace(&first.id).await.unwrap().unwrap();
    assert_same_workspace(&stored, &changed);
    assert_eq!(stored.content_version, 1);
    assert_eq!(store.content_version(&first.id).await.unwrap(), 1);
    assert!(store.workspace_by_name(&first.name).await.unwrap().is_none());

    let ghost = workspace("Ghost");
    assert!(matches!(store.update_workspace(&ghost).await, Err(StoreError::NotFound)));
    assert!(matches!(store.content_version(&ghost.id).await, Err(StoreError::NotFound)));
}

pub async fn a_duplicate_workspace_name_is_refused_as_duplicate(store: Arc<dyn Storage>) {
    let first = workspace("Acme");
    store.create_workspace(&first).await.unwrap();
    let mut twin = workspace("Other");
    twin.name = first.name.clone();
    let err = store.create_workspace(&twin).await.unwrap_err();
    assert_duplicate(&err, constraint::WORKSPACE_NAME);
    assert!(store.workspace(&twin.id).await.unwrap().is_none());
    assert_eq!(store.workspaces().await.unwrap().len(), 1);
}

pub async fn renaming_a_workspace_to_a_taken_name_is_refused_as_duplicate(store: Arc<dyn Storage>) {
    let first = workspace("Acme");
    let second = workspace("Globex");
    store.create_workspace(&first).await.unwrap();
    store.create_workspace(&second).await.unwrap();
    let mut renamed = second.clone();
    renamed.name = first.name.clone();
    renamed.timezone = "America/New_York".into();
    let err = store.update_workspace(&renamed).await.unwrap_err();
    assert_duplicate(&err, constraint::WORKSPACE_NAME);
    assert_same_workspace(&store.workspace(&second.id).await.unwrap().unwrap(), &second);
}

pub async fn a_duplicate_workspace_id_is_refused_as_duplicate_of_the_primary_key(
    store: Arc<dyn Storage>,
) {
    let first = workspace("Acme");
    store.create_workspace(&first).await.unwrap();
    let mut twin = workspace("Other");
    twin.id = first.id.clone();
    let err = store.create_workspace(&twin).await.unwrap_err();
    assert_duplicate(&err, "workspaces_pkey");
    assert_same_workspace(&store.workspace(&first.id).await.unwrap().unwrap(), &first);
}

fn token(ws_id: &str, role: Role, hash: &str, age_secs: i64) -> TokenRecord {
    TokenRecord {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws_id.to_owned(),
        role,
        name: Some(format!("{} token", role.as_str())),
        hash: hash.to_owned(),
        created_at: now_ms() - Duration::seconds(age_secs),
        revoked: false,
        created_by: None,
        issued_by: Some("admin".into()),
    }
}

fn token_fields(t: &TokenRecord) -> (String, String, Role, Option<String>, String, i64, bool) {
    let at = t.created_at.timestamp_millis();
    (t.id.clone(), t.workspace_id.clone(), t.role, t.name.clone(), t.hash.clone(), at, t.revoked)
}

pub async fn tokens_are_created_found_by_hash_listed_and_revoked_once(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    let other = workspace("Globex");
    store.create_workspace(&ws).await.unwrap();
    store.create_workspace(&other).await.unwrap();
    let admin = token(&ws.id, Role::Admin, "hash-admin", 20);
    let viewer = token(&ws.id, Role::Viewer, "hash-viewer", 10);
    let foreign = token(&other.id, Role::Editor, "hash-foreign", 5);
    for t in [&viewer, &admin, &foreign] {
        store.create_token(t).await.unwrap();
    }

    let found = store.token_by_hash("hash-viewer").await.unwrap().expect("by hash");
    assert_eq!(token_fields(&found), token_fields(&viewer));
    assert!(store.token_by_hash("hash-unknown").await.unwrap().is_none());
    let listed: Vec<_> = store.tokens(&ws.id).await.unwrap().iter().map(token_fields).collect();
    assert_eq!(
        listed,
        vec![token_fields(&admin), token_fields(&viewer)],
        "oldest first, own workspace only"
    );

    assert!(!store.revoke_token(&other.id, &viewer.id).await.unwrap(), "another workspace's token");
    assert!(store.revoke_token(&ws.id, &viewer.id).await.unwrap());
    assert!(!store.revoke_token(&ws.id, &viewer.id).await.unwrap(), "already revoked");
    assert!(!store.revoke_token(&ws.id, "no-such-token").await.unwrap());
    assert!(store.token_by_hash("hash-viewer").await.unwrap().unwrap().revoked);
    assert!(!store.token_by_hash("hash-admin").await.unwrap().unwrap().revoked);
    assert!(!store.token_by_hash("hash-foreign").await.unwrap().unwrap().revoked);

    let mut reused = token(&ws.id, Role::Viewer, "hash-admin", 0);
    reused.name = None;
    let err = store.create_token(&reused).await.unwrap_err();
    assert_duplicate(&err, constraint::TOKEN_HASH);
    assert!(store.tokens(&ws.id).await.unwrap().iter().all(|t| t.id != reused.id));
}

pub async fn first_delivery_is_true_once_then_false(store: Arc<dyn Storage>) {
    let at = now_ms();
    assert!(store.first_delivery("hook-1", at).await.unwrap());
    assert!(!store.first_delivery("hook-1", at + Duration::seconds(5)).await.unwrap());
    assert!(store.first_delivery("hook-2", at).await.unwrap());
}

fn x_credentials(key: &str) -> Option<XCredentials> {
    Some(XCredentials {
        api_key: Secret::new(format!("{key}-api-key")),
        api_secret: Secret::new(format!("{key}-api-secret")),
    })
}

pub async fn x_credentials_are_stored_read_back_replaced_and_cleared(store: Arc<dyn Storage>) {
    let mut ws = workspace("Acme");
    ws.x_credentials = x_credentials("first");
    let plain = workspace("Globex");
    store.create_workspace(&ws).await.unwrap();
    store.create_workspace(&plain).await.unwrap();
    assert_same_workspace(&store.workspace(&ws.id).await.unwrap().unwrap(), &ws);
    assert!(store.workspace(&plain.id).await.unwrap().unwrap().x_credentials.is_none());
    let by_name = store.workspace_by_name(&ws.name).await.unwrap().unwrap();
    assert_eq!(x_pair(&by_name.x_credentials), x_pair(&ws.x_credentials));

    ws.x_credentials = x_credentials("second");
    store.update_workspace(&ws).await.unwrap();
    assert_same_workspace(&store.workspace(&ws.id).await.unwrap().unwrap(), &ws);

    ws.x_credentials = None;
    store.update_workspace(&ws).await.unwrap();
    let cleared = store.workspace(&ws.id).await.unwrap().unwrap();
    assert!(cleared.x_credentials.is_none(), "None clears them");
    let listed = store.workspaces().await.unwrap();
    assert!(listed.iter().all(|w| w.x_credentials.is_none()));
}

pub async fn a_token_keeps_the_user_who_created_it(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let ann = stored_user(&*store, "Ann").await;
    let mut by_ann = token(&ws.id, Role::Editor, "hash-by-ann", 10);
    by_ann.created_by = Some(ann.id.clone());
    let anonymous = token(&ws.id, Role::Viewer, "hash-anonymous", 5);
    store.create_token(&by_ann).await.unwrap();
    store.create_token(&anonymous).await.unwrap();

    let found = store.token_by_hash("hash-by-ann").await.unwrap().unwrap();
    assert_eq!(found.created_by.as_deref(), Some(ann.id.as_str()));
    let listed: Vec<Option<String>> =
        store.tokens(&ws.id).await.unwrap().into_iter().map(|t| t.created_by).collect();
    assert_eq!(listed, vec![Some(ann.id.clone()), None]);

    let mut by_nobody = token(&ws.id, Role::Viewer, "hash-by-nobody", 0);
    by_nobody.created_by = Some("no-such-user".into());
    let err = store.create_token(&by_nobody).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "an unknown creator: got {err:?}");
    assert!(store.token_by_hash("hash-by-nobody").await.unwrap().is_none());
}
