//! The reminder of a client review link (API.md "Review…"): a link with the reviewer's
//! address, in its last 24 h, still showing a post pending approval, is reminded by one
//! e-mail, once; a link whose posts were all decided is not.

use crate::support::smtp::{Mail, SmtpSink};
use crate::support::*;
use chrono::{Duration, Utc};
use herald::foundation::domain::review::ReviewLink;
use serde_json::json;

fn expiring(ws: &str, post: &str, email: &str) -> ReviewLink {
    let now = Utc::now();
    ReviewLink {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.to_owned(),
        secret_hash: uuid::Uuid::new_v4().simple().to_string(),
        post_ids: vec![post.to_owned()],
        reviewer_name: "Nora Client".into(),
        reviewer_email: Some(email.to_owned()),
        can_decide: true,
        created_by: "admin".into(),
        created_at: now - Duration::hours(60),
        expires_at: now + Duration::hours(10),
        revoked_at: None,
        reminded_at: None,
    }
}

#[tokio::test]
async fn a_reviewer_is_reminded_once_before_the_link_expires_while_posts_are_pending() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(Options { smtp_url: Some(sink.url()), ..Options::default() }).await;
    let ws = app.create_workspace("reminder", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let body = json!({"text": "waiting for the client", "platforms": ["twitter"]});
    let pending = app.create_post(&ws, &editor, body).await.expect(201);
    let body = json!({"text": "already decided", "platforms": ["twitter"], "submit": false});
    let draft = app.create_post(&ws, &editor, body).await.expect(201);
    let id = |p: &serde_json::Value| p["id"].as_str().unwrap().to_owned();
    app.store
        .create_review_link(&expiring(&ws, &id(&pending), "nora@client.example"))
        .await
        .unwrap();
    app.store.create_review_link(&expiring(&ws, &id(&draft), "idle@client.example")).await.unwrap();

    let reminder =
        |m: &Mail| m.header("Subject").is_some_and(|s| s.contains("review link expires"));
    let mails =
        sink.mails_once(std::time::Duration::from_secs(10), |all| all.iter().any(reminder)).await;
    let sent: Vec<&Mail> = mails.iter().filter(|m| reminder(m)).collect();
    assert_eq!(sent.len(), 1, "{mails:?}");
    assert_eq!(sent[0].to.join(","), "nora@client.example");
    assert!(sent[0].data.contains("1 post waits"), "{}", sent[0].data);
    let later = sink
        .mails_once(std::time::Duration::from_secs(3), |all| {
            all.iter().filter(|m| reminder(m)).count() > 1
        })
        .await;
    assert_eq!(
        later.iter().filter(|m| reminder(m)).count(),
        1,
        "once per link, no mail for decided posts"
    );
}
