//! Review (API.md "Review: comments, mentions, client review links"): comments and their
//! permissions, `@Name` mentions (in the app, live, one e-mail), the SSE `comment`
//! event, client review links (create, list, revoke, 410 once gone, 404 for a post not
//! in the link or an unknown secret, 429 once a client's guesses are spent), a decision
//! through a link attributed to the reviewer and refused by four eyes against the link's
//! creator. Every scenario runs on SQLite and on PostgreSQL.

use super::people::on_both_backends;
use crate::support::events::Events;
use crate::support::people::{invitation_token, Caller, Session};
use crate::support::smtp::SmtpSink;
use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

on_both_backends!(
    a_decision_through_a_link_obeys_four_eyes_against_the_links_creator_403_own_post,
    a_client_decides_through_a_link_as_the_reviewer_and_the_author_is_told,
    members_comment_viewers_too_and_only_the_author_or_an_admin_deletes,
    a_comment_is_pushed_live_and_is_not_content,
    review_links_are_created_listed_and_revoked_and_a_gone_link_is_410,
    a_link_shows_only_its_posts_404_for_others_and_no_other_workspace,
    a_link_needs_the_approver_role_and_posts_of_its_workspace,
);

/// A new person named `name` with `role` in `ws`, signed in.
pub async fn named(app: &TestApp, ws: &str, role: &str, name: &str) -> Session {
    let email = format!("{role}-{}@example.com", uuid::Uuid::new_v4().simple());
    let invitation = app.invite(ws, &email, role).await;
    let (status, session, body) = app.accept(&invitation_token(&invitation), name).await;
    assert_eq!(status, 200, "accepting an invitation: {body}");
    session.expect("a session cookie")
}

/// A post waiting for approval, written by `caller`: (id, version).
async fn pending(app: &TestApp, ws: &str, caller: &Caller, text: &str) -> (String, i64) {
    let path = format!("/api/workspaces/{ws}/posts");
    let body = json!({"text": text, "platforms": ["twitter"]});
    let post = app.call_as(Method::POST, &path, caller, Some(body)).await.expect(201);
    assert_eq!(post["status"], "pending_approval");
    (post["id"].as_str().unwrap().to_owned(), post["version"].as_i64().unwrap())
}

/// Creates a review link as `caller` for `posts`: the answer.
async fn link(app: &TestApp, ws: &str, caller: &Caller, posts: &[&str]) -> Value {
    let path = format!("/api/workspaces/{ws}/review-links");
    let body = json!({"post_ids": posts, "reviewer_name": "Carla Client"});
    app.call_as(Method::POST, &path, caller, Some(body)).await.expect(201)
}

/// The secret of a created link, from its `url`.
fn secret_of(created: &Value) -> String {
    let url = created["url"].as_str().expect("a url");
    url.rsplit_once("/review/").expect("a /review/ url").1.to_owned()
}

async fn get(app: &TestApp, path: String, caller: &Caller) -> Reply {
    app.call_as(Method::GET, &path, caller, None).await
}

async fn decide(app: &TestApp, secret: &str, id: &str, body: Value) -> Reply {
    app.call(Method::POST, &format!("/api/review/{secret}/posts/{id}/decision"), None, Some(body))
        .await
}

async fn a_decision_through_a_link_obeys_four_eyes_against_the_links_creator_403_own_post(
    app: TestApp,
) {
    let ws = app.create_workspace("link-four-eyes", true, "expire").await;
    let approver = Caller::person(&named(&app, &ws, "approver", "Ada Approver").await);
    let (own, version) = pending(&app, &ws, &approver, "written by the link's creator").await;
    let created = link(&app, &ws, &approver, &[&own]).await;
    let secret = secret_of(&created);
    let approve = json!({"action": "approve", "version": version});
    decide(&app, &secret, &own, approve.clone()).await.expect_error(403, "own_post");
    let post = get(&app, format!("/api/workspaces/{ws}/posts/{own}"), &approver).await;
    assert_eq!(post.expect(200)["status"], "pending_approval", "nothing was written");

    // Submitted last by the creator (another wrote it): refused too.
    let editor = Caller::person(&named(&app, &ws, "editor", "Ed Editor").await);
    let path = format!("/api/workspaces/{ws}/posts");
    let draft =
        json!({"text": "a draft the approver submits", "platforms": ["twitter"], "submit": false});
    let draft = app.call_as(Method::POST, &path, &editor, Some(draft)).await.expect(201);
    let id = draft["id"].as_str().unwrap();
    let submit = format!("/api/workspaces/{ws}/posts/{id}/submit");
    let body = json!({"version": draft["version"]});
    let submitted = app.call_as(Method::POST, &submit, &approver, Some(body)).await.expect(200);
    let created = link(&app, &ws, &approver, &[id]).await;
    let body = json!({"action": "approve", "version": submitted["version"]});
    decide(&app, &secret_of(&created), id, body).await.expect_error(403, "own_post");

    // A post the creator neither wrote nor submitted: the reviewer approves it.
    let (theirs, version) = pending(&app, &ws, &editor, "written by the editor").await;
    let created = link(&app, &ws, &approver, &[&theirs]).await;
    let body = json!({"action": "approve", "version": version});
    let approved = decide(&app, &secret_of(&created), &theirs, body).await.expect(200);
    assert_eq!(approved["status"], "published");
}

async fn a_client_decides_through_a_link_as_the_reviewer_and_the_author_is_told(app: TestApp) {
    let ws = app.create_workspace("link-decides", true, "expire").await;
    let author = named(&app, &ws, "editor", "Ed Editor").await;
    let approver = Caller::person(&named(&app, &ws, "approver", "Ada Approver").await);
    let (id, version) = pending(&app, &ws, &Caller::person(&author), "spring campaign").await;
    let created = link(&app, &ws, &approver, &[&id]).await;
    let secret = secret_of(&created);

    let stale = json!({"action": "request_changes", "version": version + 5, "comment": "x"});
    let stale = decide(&app, &secret, &id, stale).await;
    assert_eq!(stale.status, 409, "{}", stale.text);
    let no_comment = json!({"action": "request_changes", "version": version});
    decide(&app, &secret, &id, no_comment).await.expect(422);
    let body =
        json!({"action": "request_changes", "version": version, "comment": "Brighter photo"});
    let sent_back = decide(&app, &secret, &id, body).await.expect(200);
    assert_eq!(sent_back["status"], "changes_requested");

    let detail = get(&app, format!("/api/workspaces/{ws}/posts/{id}"), &approver).await;
    let detail = detail.expect(200);
    let last = detail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "request_changes");
    assert_eq!(last["actor_name"], "Carla Client (client review)");
    assert_eq!(last["comment"], "Brighter photo");

    let path = "/api/me/notifications";
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let list = app.call_as(Method::GET, path, &Caller::person(&author), None).await.expect(200);
        let told = list.as_array().unwrap().iter().find(|n| n["kind"] == "changes_requested");
        if let Some(n) = told {
            assert!(n["text"].as_str().unwrap().starts_with("Carla Client (client review)"), "{n}");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the author was never told");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn members_comment_viewers_too_and_only_the_author_or_an_admin_deletes(app: TestApp) {
    let ws = app.create_workspace("comments", true, "expire").await;
    let editor = Caller::person(&named(&app, &ws, "editor", "Ed Editor").await);
    let viewer = Caller::person(&named(&app, &ws, "viewer", "Vera Viewer").await);
    let admin = Caller::person(&named(&app, &ws, "admin", "Al Admin").await);
    let (id, _) = pending(&app, &ws, &editor, "a post to talk about").await;
    let path = format!("/api/workspaces/{ws}/posts/{id}/comments");
    let first = app.call_as(Method::POST, &path, &viewer, Some(json!({"text": "Nice one"})));
    let first = first.await.expect(201);
    assert_eq!(
        (&first["author_name"], &first["text"], &first["post_id"]),
        (&json!("Vera Viewer"), &json!("Nice one"), &json!(id))
    );
    let second = app.call_as(Method::POST, &path, &editor, Some(json!({"text": "Thanks"})));
    let second = second.await.expect(201);
    let list = app.call_as(Method::GET, &path, &viewer, None).await.expect(200);
    let texts: Vec<&str> =
        list.as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Nice one", "Thanks"], "oldest first");

    app.call_as(Method::POST, &path, &viewer, Some(json!({"text": "  "}))).await.expect(422);
    let long = "x".repeat(5001);
    app.call_as(Method::POST, &path, &viewer, Some(json!({"text": long}))).await.expect(422);
    let other = format!("/api/workspaces/{ws}/posts/no-such-post/comments");
    app.call_as(Method::POST, &other, &viewer, Some(json!({"text": "hi"}))).await.expect(404);

    let del = |c: &Value| format!("{path}/{}", c["id"].as_str().unwrap());
    app.call_as(Method::DELETE, &del(&first), &editor, None).await.expect_error(403, "forbidden");
    app.call_as(Method::DELETE, &del(&first), &viewer, None).await.expect(204);
    app.call_as(Method::DELETE, &del(&second), &admin, None).await.expect(204);
    app.call_as(Method::DELETE, &del(&second), &admin, None).await.expect(404);
    let list = app.call_as(Method::GET, &path, &viewer, None).await.expect(200);
    assert_eq!(list, json!([]));
}

async fn a_comment_is_pushed_live_and_is_not_content(app: TestApp) {
    let ws = app.create_workspace("comment-live", true, "expire").await;
    let editor = Caller::person(&named(&app, &ws, "editor", "Ed Editor").await);
    let approver = named(&app, &ws, "approver", "Ada Approver").await;
    let (id, version) = pending(&app, &ws, &editor, "live comments").await;
    let mut stream = Events::of(app.open_stream(&ws, &Caller::person(&approver)).await);
    let path = format!("/api/workspaces/{ws}/posts/{id}/comments");
    let body = json!({"text": "Can we say Tuesday?"});
    app.call_as(Method::POST, &path, &editor, Some(body)).await.expect(201);
    let heard = stream.wait_for("comment", Duration::from_secs(5), |c| c["post_id"] == id).await;
    let heard = heard.expect("the open page never heard of the comment");
    assert_eq!(
        (&heard["text"], &heard["author_name"]),
        (&json!("Can we say Tuesday?"), &json!("Ed Editor"))
    );

    let post = get(&app, format!("/api/workspaces/{ws}/posts/{id}"), &editor).await;
    let post = post.expect(200);
    assert_eq!((&post["status"], &post["version"]), (&json!("pending_approval"), &json!(version)));
}

async fn review_links_are_created_listed_and_revoked_and_a_gone_link_is_410(app: TestApp) {
    let ws = app.create_workspace("links", true, "expire").await;
    let editor = Caller::person(&named(&app, &ws, "editor", "Ed Editor").await);
    let approver = Caller::person(&named(&app, &ws, "approver", "Ada Approver").await);
    let (id, _) = pending(&app, &ws, &editor, "for the client").await;
    let created = link(&app, &ws, &approver, &[&id]).await;
    let secret = secret_of(&created);
    assert!(secret.len() >= 43, "256 bits: {secret}");
    assert_eq!((&created["can_decide"], &created["status"]), (&json!(true), &json!("open")));
    let expires =
        chrono::DateTime::parse_from_rfc3339(created["expires_at"].as_str().unwrap()).unwrap();
    let hours = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes();
    assert!((71 * 60..=72 * 60).contains(&hours), "default 72 h: {hours} min");

    let page =
        app.call(Method::GET, &format!("/api/review/{secret}"), None, None).await.expect(200);
    assert_eq!(
        (&page["reviewer_name"], &page["workspace_name"]),
        (&json!("Carla Client"), &json!("links"))
    );
    assert_eq!(page["posts"].as_array().unwrap().len(), 1);
    assert_eq!(page["posts"][0]["id"], id);

    let path = format!("/api/workspaces/{ws}/review-links");
    let list = app.call_as(Method::GET, &path, &approver, None).await.expect(200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains(&secret), "the list has no secret");
    assert!(list[0].get("url").is_none());
    assert_eq!(list[0]["created_by_name"], "Ada Approver");

    let too_long = json!({"post_ids": [id], "reviewer_name": "X", "expires_in_hours": 721});
    app.call_as(Method::POST, &path, &approver, Some(too_long)).await.expect(422);
    let short =
        json!({"post_ids": [id], "reviewer_name": "Y", "expires_in_hours": 1, "can_decide": false});
    let short = app.call_as(Method::POST, &path, &approver, Some(short)).await.expect(201);
    let no_decide = json!({"action": "approve", "version": 1});
    decide(&app, &secret_of(&short), &id, no_decide).await.expect_error(403, "forbidden");

    let revoke = format!("{path}/{}", created["id"].as_str().unwrap());
    app.call_as(Method::DELETE, &revoke, &approver, None).await.expect(204);
    let gone = app.call(Method::GET, &format!("/api/review/{secret}"), None, None).await;
    gone.expect_error(410, "review_link_gone");
    let comment = format!("/api/review/{secret}/posts/{id}/comments");
    app.call(Method::POST, &comment, None, Some(json!({"text": "hi"})))
        .await
        .expect_error(410, "review_link_gone");
    let list = app.call_as(Method::GET, &path, &approver, None).await.expect(200);
    let revoked =
        list.as_array().unwrap().iter().find(|l| l["id"] == created["id"]).unwrap().clone();
    assert_eq!(revoked["status"], "revoked");

    // Expired: a link whose time has passed, as the store holds it.
    let now = chrono::Utc::now();
    let expired = herald::foundation::domain::review::ReviewLink {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.clone(),
        secret_hash: herald::gate::auth::hash_token("an-expired-secret"),
        post_ids: vec![id.clone()],
        reviewer_name: "Late".into(),
        reviewer_email: None,
        can_decide: true,
        created_by: "admin".into(),
        created_at: now - chrono::Duration::hours(2),
        expires_at: now - chrono::Duration::minutes(1),
        revoked_at: None,
        reminded_at: None,
    };
    app.store.create_review_link(&expired).await.unwrap();
    let gone = app.call(Method::GET, "/api/review/an-expired-secret", None, None).await;
    gone.expect_error(410, "review_link_gone");
    let body = json!({"action": "approve", "version": 1});
    decide(&app, "an-expired-secret", &id, body).await.expect_error(410, "review_link_gone");
}

async fn a_link_shows_only_its_posts_404_for_others_and_no_other_workspace(app: TestApp) {
    let ws = app.create_workspace("only-its-posts", true, "expire").await;
    let editor = Caller::person(&named(&app, &ws, "editor", "Ed Editor").await);
    let approver = Caller::person(&named(&app, &ws, "approver", "Ada Approver").await);
    let (shown, _) = pending(&app, &ws, &editor, "shown").await;
    let (hidden, version) = pending(&app, &ws, &editor, "not shown").await;
    let secret = secret_of(&link(&app, &ws, &approver, &[&shown]).await);
    let page =
        app.call(Method::GET, &format!("/api/review/{secret}"), None, None).await.expect(200);
    assert!(!page.to_string().contains("not shown"));
    decide(&app, &secret, &hidden, json!({"action": "approve", "version": version}))
        .await
        .expect(404);
    let comment = format!("/api/review/{secret}/posts/{hidden}/comments");
    app.call(Method::POST, &comment, None, Some(json!({"text": "hi"}))).await.expect(404);

    // Another workspace's post, by id, through this link: 404 too.
    let other = app.create_workspace("other-ws", true, "expire").await;
    let other_editor = Caller::person(&named(&app, &other, "editor", "Oz").await);
    let (foreign, version) = pending(&app, &other, &other_editor, "foreign").await;
    decide(&app, &secret, &foreign, json!({"action": "approve", "version": version}))
        .await
        .expect(404);
    // And a link of this workspace cannot be made for it.
    let path = format!("/api/workspaces/{ws}/review-links");
    let body = json!({"post_ids": [foreign], "reviewer_name": "Z"});
    app.call_as(Method::POST, &path, &approver, Some(body)).await.expect(422);
    // Nor listed or revoked from the other workspace.
    let other_admin = Caller::person(&named(&app, &other, "admin", "Olga").await);
    let list = get(&app, format!("/api/workspaces/{other}/review-links"), &other_admin).await;
    assert_eq!(list.expect(200), json!([]));
    let own = app.call_as(Method::GET, &path, &approver, None).await.expect(200);
    let revoke = format!("/api/workspaces/{other}/review-links/{}", own[0]["id"].as_str().unwrap());
    app.call_as(Method::DELETE, &revoke, &other_admin, None).await.expect(404);

    // Unknown secrets: 404, then 429 once this client's guesses are spent.
    let mut refused = None;
    for i in 0..40 {
        let guess = format!("/api/review/guess{i:040}");
        let reply = app.call(Method::GET, &guess, None, None).await;
        if reply.status == 429 {
            refused = Some(i);
            break;
        }
        reply.expect_error(404, "not_found");
    }
    assert!(refused.is_some(), "guessing was never throttled");
    let real = app.call(Method::GET, &format!("/api/review/{secret}"), None, None).await;
    assert_eq!(real.status, 429, "the client is throttled before any lookup");
}

async fn a_link_needs_the_approver_role_and_posts_of_its_workspace(app: TestApp) {
    let ws = app.create_workspace("link-roles", true, "expire").await;
    let editor = Caller::person(&named(&app, &ws, "editor", "Ed Editor").await);
    let (id, _) = pending(&app, &ws, &editor, "p").await;
    let path = format!("/api/workspaces/{ws}/review-links");
    let body = json!({"post_ids": [id], "reviewer_name": "C"});
    app.call_as(Method::POST, &path, &editor, Some(body)).await.expect_error(403, "forbidden");
    app.call_as(Method::GET, &path, &editor, None).await.expect_error(403, "forbidden");
    let approver = Caller::person(&named(&app, &ws, "approver", "Ada").await);
    for bad in [
        json!({"post_ids": [], "reviewer_name": "C"}),
        json!({"post_ids": [id], "reviewer_name": ""}),
        json!({"post_ids": [id], "reviewer_name": "C", "reviewer_email": "not-an-address"}),
        json!({"post_ids": [id], "reviewer_name": "C", "expires_in_hours": 0}),
    ] {
        app.call_as(Method::POST, &path, &approver, Some(bad)).await.expect(422);
    }
}

#[tokio::test]
async fn a_mention_tells_the_member_once_in_the_app_live_and_by_one_email() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(Options { smtp_url: Some(sink.url()), ..Options::default() }).await;
    mention_scenario(&app, &sink).await;
}

#[tokio::test]
async fn a_mention_tells_the_member_once_on_postgres() {
    let Some(db) = test_database_url("api::review::mention::postgres").await else { return };
    let sink = SmtpSink::start().await;
    let options = Options { smtp_url: Some(sink.url()), database: Some(db), ..Options::default() };
    mention_scenario(&spawn_app_with(options).await, &sink).await;
}

async fn mention_scenario(app: &TestApp, sink: &SmtpSink) {
    let ws = app.create_workspace("mentions", true, "expire").await;
    let editor = named(app, &ws, "editor", "Ed Editor").await;
    let ann = named(app, &ws, "viewer", "Ann Lee").await;
    let (id, _) = pending(app, &ws, &Caller::person(&editor), "launch post").await;
    let mut ann_stream = Events::of(app.open_stream(&ws, &Caller::person(&ann)).await);
    let path = format!("/api/workspaces/{ws}/posts/{id}/comments");
    let body = json!({"text": "@ann lee can you check the date? cc @Ed Editor"});
    let added =
        app.call_as(Method::POST, &path, &Caller::person(&editor), Some(body)).await.expect(201);
    assert_eq!(added["mentions"].as_array().unwrap().len(), 1, "not the writer: {added}");

    let heard = ann_stream
        .wait_for("notification", Duration::from_secs(5), |n| n["kind"] == "mentioned")
        .await;
    let heard = heard.expect("Ann's open page never heard of the mention");
    assert_eq!(heard["post_id"], id);
    assert!(heard["text"].as_str().unwrap().starts_with("Ed Editor mentioned you"), "{heard}");
    let list = get(app, "/api/me/notifications".into(), &Caller::person(&ann)).await;
    let list = list.expect(200);
    let kinds: Vec<&str> =
        list.as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["mentioned"]);
    let mine = get(app, "/api/me/notifications".into(), &Caller::person(&editor)).await;
    assert_eq!(mine.expect(200), json!([]), "the writer is not told of their own mention");

    let mentioned = |m: &smtp::Mail| m.header("Subject").is_some_and(|s| s.contains("mentioned"));
    let mails = sink.mails_once(Duration::from_secs(10), |all| all.iter().any(mentioned)).await;
    let mails: Vec<_> = mails.into_iter().filter(mentioned).collect();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to.join(","), ann.email);
    let later = sink
        .mails_once(Duration::from_secs(2), |all| all.iter().filter(|m| mentioned(m)).count() > 1);
    assert_eq!(later.await.into_iter().filter(mentioned).count(), 1, "one e-mail, once");
}
