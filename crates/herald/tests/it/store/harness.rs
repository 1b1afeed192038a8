//! Runs a scenario against a fresh store of each backend, and builds the records the
//! scenarios store.
//!
//! SQLite: a new file in a temporary directory, always. PostgreSQL: a new database
//! `herald_test_<uuid>` created through `HERALD_TEST_DATABASE_URL` and dropped afterwards
//! (best effort, also when the scenario fails); without the variable the test says it was
//! skipped and passes.

use chrono::Duration;
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::{Compose, MediaItem, Variant};
use herald::foundation::domain::{Invitation, LateApproval, Post, PostStatus, PublishState, Role};
use herald::foundation::domain::{SessionRecord, User, Workspace, XCredentials};
use herald::foundation::secret::Secret;
use herald::storage::store::{NewEvent, PgStore, SqliteStore, Storage, StoreError};
use sqlx::{Connection, Executor, PgConnection};
use std::any::Any;
use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use tokio::task::JoinError;

const DATABASE_URL_VAR: &str = "HERALD_TEST_DATABASE_URL";

/// Pool size for a test store: enough for the eight concurrent claimers.
const TEST_CONNECTIONS: u32 = 10;

/// Runs `scenario` on a store in a new SQLite file.
pub async fn on_sqlite<F, Fut>(scenario: F)
where
    F: FnOnce(Arc<dyn Storage>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("herald.db");
    let store = SqliteStore::open(path.to_str().expect("utf-8 path"), TEST_CONNECTIONS)
        .await
        .expect("open SQLite");
    let outcome = tokio::spawn(scenario(Arc::new(store))).await;
    drop(dir);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Runs `scenario` on a store in a new PostgreSQL database, or reports `test` skipped.
pub async fn on_postgres<F, Fut>(test: &str, scenario: F)
where
    F: FnOnce(Arc<dyn Storage>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Ok(admin_url) = std::env::var(DATABASE_URL_VAR) else {
        // Written to the handle directly (libtest captures eprintln!, not this), in one
        // write so the line is not split by libtest's own output.
        let line = format!("skipped: {DATABASE_URL_VAR} not set ({test})\n");
        let _ = std::io::stderr().write_all(line.as_bytes());
        return;
    };
    let name = format!("herald_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin =
        PgConnection::connect(&admin_url).await.expect("connect to HERALD_TEST_DATABASE_URL");
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create the test database");
    let mut url = url::Url::parse(&admin_url).expect("HERALD_TEST_DATABASE_URL is a URL");
    url.set_path(&name);
    let outcome = match PgStore::open(url.as_str(), TEST_CONNECTIONS).await {
        Ok(store) => tokio::spawn(scenario(Arc::new(store))).await.map_err(JoinError::into_panic),
        Err(e) => Err(Box::new(format!("open PostgreSQL: {e:#}")) as Box<dyn Any + Send>),
    };
    let _ = admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
    let _ = admin.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// A workspace with a unique name starting with `name`.
pub fn workspace(name: &str) -> Workspace {
    let id = uuid::Uuid::now_v7().to_string();
    Workspace {
        name: format!("{name}-{}", &id[id.len() - 8..]),
        id,
        profile_key: Secret::new("profile-key-0123456789"),
        timezone: "Europe/Paris".into(),
        requires_approval: true,
        late_approval: LateApproval::Expire,
        content_version: 0,
        created_at: now_ms(),
        x_credentials: None,
    }
}

/// A new post (version 1) of `ws` in `status` on `platforms`.
pub fn post(ws: &Workspace, status: PostStatus, platforms: &[&str]) -> Post {
    let now = now_ms();
    Post {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.id.clone(),
        text: "Hello from the conformance suite".into(),
        platforms: platforms.iter().map(|p| p.parse().unwrap()).collect(),
        media_urls: vec!["https://example.com/a.png".into()],
        status,
        schedule_at: None,
        version: 1,
        author: "alice".into(),
        created_at: now,
        updated_at: now,
        published_at: None,
        ayrshare_id: None,
        platform_results: vec![],
        waiting_for: None,
        // Compose fields round-trip too: a variant, a first comment, alt text.
        compose: Compose {
            variants: platforms
                .first()
                .map(|p| {
                    (
                        p.to_string(),
                        Variant { text: Some("Hello, short".into()), first_comment: None },
                    )
                })
                .into_iter()
                .collect(),
            first_comment: Some("More below".into()),
            media: vec![MediaItem {
                url: "https://example.com/a.png".into(),
                alt_text: Some("A plain square".into()),
                preview_url: None,
            }],
        },
        publish: PublishState::default(),
    }
}

/// The event of a change by `alice`.
pub fn event(action: &str, from: Option<PostStatus>) -> NewEvent {
    NewEvent {
        actor: "alice".into(),
        action: action.parse().expect("an audit action"),
        comment: None,
        from,
    }
}

/// `p` with new text, one version later.
pub fn edited(p: &Post, text: &str) -> Post {
    let mut next = p.clone();
    next.text = text.into();
    next.version += 1;
    next.updated_at = now_ms();
    next
}

/// Asserts two posts are the same record, publishing bookkeeping included.
pub fn assert_same_post(got: &Post, want: &Post) {
    assert_eq!(serde_json::to_value(got).unwrap(), serde_json::to_value(want).unwrap());
    assert_eq!(got.publish, want.publish, "publish state of {}", want.id);
}

/// Asserts two workspaces are the same record, content version aside.
pub fn assert_same_workspace(got: &Workspace, want: &Workspace) {
    let fields = |w: &Workspace| {
        (w.id.clone(), w.name.clone(), w.profile_key.expose().to_owned(), w.timezone.clone())
    };
    assert_eq!(fields(got), fields(want));
    assert_eq!(x_pair(&got.x_credentials), x_pair(&want.x_credentials), "x credentials");
    assert_eq!(
        (got.requires_approval, got.late_approval),
        (want.requires_approval, want.late_approval)
    );
    assert_eq!(got.created_at, want.created_at);
}

/// X credentials as comparable strings.
pub fn x_pair(x: &Option<XCredentials>) -> Option<(String, String)> {
    x.as_ref().map(|x| (x.api_key.expose().to_owned(), x.api_secret.expose().to_owned()))
}

/// Asserts `err` is a duplicate of the unique constraint `name`.
pub fn assert_duplicate(err: &StoreError, name: &str) {
    assert!(
        matches!(err, StoreError::Duplicate { constraint } if constraint == name),
        "want a duplicate of {name}, got {err:?}"
    );
}

/// A user named `name` with a unique e-mail address in mixed case.
pub fn user(name: &str) -> User {
    let id = uuid::Uuid::now_v7().to_string();
    User {
        email: format!("{name}.{}@Example.com", &id[id.len() - 8..]),
        name: name.into(),
        id,
        global_admin: false,
        notify_email: true,
        created_at: now_ms(),
    }
}

/// A user named `name`, stored with a password; as read back (e-mail lowercased).
pub async fn stored_user(store: &dyn Storage, name: &str) -> User {
    let u = user(name);
    store.create_user(&u, Some("hash-of-a-password")).await.expect("create user");
    User { email: u.email.to_lowercase(), ..u }
}

/// A session of `user_id`, created `age_secs` ago, for a day.
pub fn session(user_id: &str, age_secs: i64) -> SessionRecord {
    let created_at = now_ms() - Duration::seconds(age_secs);
    SessionRecord {
        id_hash: format!("session-{}", uuid::Uuid::new_v4().simple()),
        user_id: user_id.to_owned(),
        created_at,
        last_seen_at: created_at,
        expires_at: created_at + Duration::days(1),
        user_agent: Some("conformance/1.0".into()),
        client_ip: Some("192.0.2.7".into()),
    }
}

/// An open invitation of `email` to `ws` as `role`, valid for a week.
pub fn invitation(ws: &Workspace, email: &str, role: Role) -> Invitation {
    let now = now_ms();
    Invitation {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.id.clone(),
        email: email.to_owned(),
        role,
        token_hash: format!("invitation-{}", uuid::Uuid::new_v4().simple()),
        invited_by: "admin".into(), // the admin token: it always holds the role
        created_at: now,
        expires_at: now + Duration::days(7),
        accepted_at: None,
        withdrawn_at: None,
    }
}
