//! Password reset by e-mail (API.md "People, third round"): no hint whether an address
//! has an account, a single-use link for an hour through a real SMTP sink, every other
//! session of the person ended, throttling. On SQLite and PostgreSQL.

use crate::support::people::{Caller, Session, PASSWORD};
use crate::support::smtp::{self, SmtpSink};
use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

const NEW_PASSWORD: &str = "a freshly chosen passphrase";

async fn with_mail(database: Option<services::TestDatabase>) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let options = Options {
        smtp_url: Some(sink.url()),
        public_url_is_self: true,
        database,
        ..Options::default()
    };
    (spawn_app_with(options).await, sink)
}

fn ask(email: &str) -> Option<Value> {
    Some(json!({ "email": email }))
}

async fn confirm(app: &TestApp, token: &str, password: &str) -> requests::Reply {
    let body = json!({"token": token, "password": password});
    app.call(Method::POST, "/api/auth/password-reset/confirm", None, Some(body)).await
}

/// The token of the one reset link in `mail`'s text.
fn token_in(text: &str) -> String {
    let start = text.find("/reset-password?token=").expect("a reset link") + 22;
    text[start..].split_whitespace().next().unwrap().to_owned()
}

async fn a_reset_link_works_once_tells_nothing_of_other_addresses_and_ends_other_sessions(
    app: TestApp,
    sink: SmtpSink,
) {
    let ws = app.create_workspace("reset", true, "expire").await;
    let person: Session = app.person(&ws, "editor").await;
    let (_, elsewhere, _) = app.login(&person.email, PASSWORD).await;
    let path = "/api/auth/password-reset";
    let unknown = app.call(Method::POST, path, None, ask("nobody@example.com")).await;
    let known = app.call(Method::POST, path, None, ask(&person.email)).await;
    assert_eq!((unknown.status.as_u16(), known.status.as_u16()), (202, 202));
    assert_eq!(unknown.text, known.text, "the same answer for an unknown address");
    let mails = sink.wait_for(2, Duration::from_secs(10)).await; // the invitation, the link
    let reset_mail = |m: &&smtp::Mail| m.header("subject").is_some_and(|s| s.contains("Reset"));
    let mails: Vec<_> = mails.iter().filter(reset_mail).collect();
    assert_eq!(mails.len(), 1, "one reset mail, to the known address only: {mails:?}");
    assert_eq!(mails[0].to, std::slice::from_ref(&person.email));
    let base = app.url.clone();
    assert!(mails[0].data.contains(&format!("{base}/reset-password?token=")), "{}", mails[0].data);
    let token = token_in(&mails[0].data);

    let weak = confirm(&app, &token, "password1234").await;
    weak.expect_error(422, "invalid_field");
    let reset = confirm(&app, &token, NEW_PASSWORD).await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    for old in [person.clone(), elsewhere.expect("a second session")] {
        let me = app.call_as(Method::GET, "/api/me", &Caller::person(&old), None).await;
        assert_eq!(me.status, 401, "every other session ended");
    }
    confirm(&app, &token, "yet another passphrase here").await.expect_error(410, "reset_gone");
    assert_eq!(app.login(&person.email, PASSWORD).await.0, 401, "the old password is gone");
    assert_eq!(app.login(&person.email, NEW_PASSWORD).await.0, 200);
}

async fn an_expired_or_unknown_link_is_410_and_requests_are_throttled(app: TestApp, _: SmtpSink) {
    let ws = app.create_workspace("expired", true, "expire").await;
    let person = app.person(&ws, "viewer").await;
    let secret = "hpr_an-expired-link-secret-that-nobody-guesses";
    let made = chrono::Utc::now() - chrono::Duration::hours(2);
    let expired = made + chrono::Duration::hours(1);
    let hash = herald::gate::auth::hash_token(secret);
    app.store.create_password_reset(&hash, &person.user_id, made, expired).await.unwrap();
    confirm(&app, secret, NEW_PASSWORD).await.expect_error(410, "reset_gone");
    confirm(&app, "hpr_made-up", NEW_PASSWORD).await.expect_error(410, "reset_gone");
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let res = app.call(Method::POST, "/api/auth/password-reset", None, ask(&person.email));
        statuses.push(res.await.status.as_u16());
    }
    assert_eq!(&statuses[..5], &[202; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "then 429 per address: {statuses:?}");
}

macro_rules! with_mail_on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let (app, sink) = super::with_mail(None).await;
                super::$name(app, sink).await;
            }

            #[tokio::test]
            async fn postgres() {
                let test = concat!(module_path!(), "::postgres");
                let Some(db) = crate::support::test_database_url(test).await else { return };
                let (app, sink) = super::with_mail(Some(db)).await;
                super::$name(app, sink).await;
            }
        }
    )*};
}

with_mail_on_both_backends!(
    a_reset_link_works_once_tells_nothing_of_other_addresses_and_ends_other_sessions,
    an_expired_or_unknown_link_is_410_and_requests_are_throttled,
);
