//! Notifications (API.md "Notifications"): an approver hears of a submitted post live
//! and the author of the decision, each by one e-mail unless they opted out; a token
//! has no notifications; an overdue pending post is reported once ever; and with three
//! instances on one database each notification is created, pushed and mailed once.

use crate::api::people::on_both_backends;
use crate::support::events::Events;
use crate::support::people::{Caller, Session};
use crate::support::smtp::SmtpSink;
use crate::support::*;
use futures::StreamExt;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

on_both_backends!(an_overdue_pending_post_is_reported_once_to_its_approvers_and_author);

async fn notifications(app: &TestApp, who: &Session, unread: bool) -> Vec<Value> {
    let path = format!("/api/me/notifications?unread={unread}");
    let list = app.call_as(Method::GET, &path, &Caller::person(who), None).await.expect(200);
    list.as_array().unwrap().clone()
}

fn kinds(list: &[Value]) -> Vec<&str> {
    list.iter().map(|n| n["kind"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn an_approver_hears_live_of_a_submitted_post_and_the_author_of_the_decision_with_one_mail_each(
) {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(Options { smtp_url: Some(sink.url()), ..Options::default() }).await;
    let ws = app.create_workspace("notify", true, "expire").await;
    let author = app.person(&ws, "editor").await;
    let (ann, bo) = (app.person(&ws, "approver").await, app.person(&ws, "approver").await);
    let off = json!({"notify_email": false});
    app.call_as(Method::PATCH, "/api/me", &Caller::person(&bo), Some(off)).await.expect(200);
    let mut ann_stream = Events::of(app.open_stream(&ws, &Caller::person(&ann)).await);

    let body = json!({"text": "Spring sale starts Monday", "platforms": ["twitter"]});
    let path = format!("/api/workspaces/{ws}/posts");
    let post =
        app.call_as(Method::POST, &path, &Caller::person(&author), Some(body)).await.expect(201);
    let id = post["id"].as_str().unwrap();
    let heard = ann_stream.wait_for("notification", Duration::from_secs(5), |_| true).await;
    let heard = heard.expect("the approver's open page heard nothing");
    assert_eq!(
        (heard["kind"].as_str(), heard["post_id"].as_str()),
        (Some("approval_requested"), Some(id))
    );
    assert!(heard["text"].as_str().unwrap().contains("asks for your approval"), "{heard}");
    assert_eq!(
        kinds(&notifications(&app, &bo, true).await),
        ["approval_requested"],
        "every approver"
    );
    assert!(notifications(&app, &author, false).await.is_empty(), "not the one who asked");

    let approve = format!("/api/workspaces/{ws}/posts/{id}/approve");
    let version = json!({"version": post["version"]});
    app.call_as(Method::POST, &approve, &Caller::person(&ann), Some(version)).await.expect(200);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while notifications(&app, &author, true).await.is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "the author never heard of the decision");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(kinds(&notifications(&app, &author, true).await), ["approved"]);

    let mails = sink.notification_mails(2, Duration::from_secs(10)).await;
    let mut to: Vec<(String, String)> =
        mails.iter().map(|m| (m.to.join(","), m.header("Subject").unwrap_or_default())).collect();
    to.sort();
    let mut want = vec![
        (ann.email.clone(), "Herald: a post waits for your approval".to_owned()),
        (author.email.clone(), "Herald: your post was approved".to_owned()),
    ];
    want.sort();
    assert_eq!(to, want, "one mail per notification, none to the approver who opted out");
    assert_eq!(sink.notification_mails(3, Duration::from_secs(2)).await.len(), 2, "no mail twice");

    let unread = notifications(&app, &ann, true).await;
    let ids: Vec<&str> = unread.iter().map(|n| n["id"].as_str().unwrap()).collect();
    let read = app
        .call_as(
            Method::POST,
            "/api/me/notifications/read",
            &Caller::person(&ann),
            Some(json!({"ids": ids})),
        )
        .await;
    assert_eq!(read.expect(200)["marked"], 1);
    assert!(notifications(&app, &ann, true).await.is_empty());
    let me = app.call_as(Method::GET, "/api/me", &Caller::person(&ann), None).await.expect(200);
    assert_eq!(me["unread_notifications"], 0);
    let token = app.token(&ws, "approver").await;
    let refused = app.call(Method::GET, "/api/me/notifications", Some(&token), None).await;
    refused.expect_error(403, "forbidden");
}

async fn an_overdue_pending_post_is_reported_once_to_its_approvers_and_author(app: TestApp) {
    let ws = app.create_workspace("overdue", true, "expire").await;
    let (author, approver) = (app.person(&ws, "editor").await, app.person(&ws, "approver").await);
    let at = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let body = json!({"text": "Doors open at nine", "platforms": ["twitter"], "schedule_at": at});
    let path = format!("/api/workspaces/{ws}/posts");
    let post =
        app.call_as(Method::POST, &path, &Caller::person(&author), Some(body)).await.expect(201);
    app.backdate_schedule(&ws, post["id"].as_str().unwrap()).await;
    // A run may find the post a moment later than this one (a row another transaction
    // holds is skipped, not waited for); over several runs it is reported exactly once.
    let mut reported = Vec::new();
    for _ in 0..5 {
        reported.push(app.scheduler.run_once().await.unwrap().overdue);
    }
    assert_eq!(reported.iter().sum::<u32>(), 2, "approver and author, once ever: {reported:?}");
    for who in [&approver, &author] {
        let list = notifications(&app, who, false).await;
        let overdue: Vec<&Value> =
            list.iter().filter(|n| n["kind"] == "approval_overdue").collect();
        assert_eq!(overdue.len(), 1, "{list:?}");
    }
}

/// Three Heralds on one PostgreSQL database and one Redis: a burst of submitted posts
/// notifies each approver once per post — created once, pushed once, mailed once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_create_push_and_mail_each_notification_once() {
    const POSTS: usize = 30;
    let test = "three_instances_create_push_and_mail_each_notification_once";
    let Some(redis) = test_redis_url(test) else { return };
    let Some(db) = test_database_url(test).await else { return };
    let sink = SmtpSink::start().await;
    let namespace = format!("herald-test-{}", uuid::Uuid::new_v4().simple());
    let options = |db: &TestDatabase| Options {
        database: Some(db.shared()),
        redis_url: Some(redis.clone()),
        cache_namespace: Some(namespace.clone()),
        smtp_url: Some(sink.url()),
        ..Options::default()
    };
    let a = spawn_app_with(options(&db)).await;
    let others = [spawn_app_with(options(&db)).await, spawn_app_with(options(&db)).await];
    let ws = a.create_workspace("notify-three", true, "expire").await;
    let approver = a.person(&ws, "approver").await;
    let editor = a.token(&ws, "editor").await;
    let mut streams = Vec::new();
    for app in others.iter().chain([&a]) {
        streams.push(Events::of(app.open_stream(&ws, &Caller::person(&approver)).await));
    }
    let apps = [&a, &others[0], &others[1]];
    let created = futures::stream::iter(0..POSTS)
        .map(|i| {
            let (app, ws, editor) = (apps[i % 3], &ws, &editor);
            let body = json!({"text": format!("burst {i}"), "platforms": ["twitter"]});
            async move { app.create_post(ws, editor, body).await.expect(201) }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    assert_eq!(created.len(), POSTS);
    let mails = sink.notification_mails(POSTS, Duration::from_secs(30)).await;
    let again = sink.notification_mails(POSTS + 1, Duration::from_secs(3)).await;
    assert_eq!(again.len(), POSTS, "a mail twice");
    assert!(mails.iter().all(|m| m.to == [approver.email.clone()]));
    let list = notifications(&a, &approver, false).await;
    assert_eq!(list.len(), POSTS, "one notification per post");
    for (i, stream) in streams.iter_mut().enumerate() {
        let mut heard = Vec::new();
        while let Some(n) =
            stream.wait_for("notification", Duration::from_millis(1500), |_| true).await
        {
            heard.push(n["post_id"].as_str().unwrap().to_owned());
        }
        heard.sort();
        let before = heard.len();
        heard.dedup();
        assert_eq!(
            (before, heard.len()),
            (POSTS, POSTS),
            "stream {i}: each notification pushed once"
        );
    }
}
