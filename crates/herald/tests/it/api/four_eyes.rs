//! Four eyes by person, and names (API.md "People…"): a post is approved only by someone
//! who neither created it, changed its content at any point, nor submitted it last,
//! counting a token as the person who created it (issue 19's resubmit case is in
//! `people_rules`); posts and audit events carry the names of their
//! author and actors. Every scenario runs on SQLite and on PostgreSQL.

use super::people::on_both_backends;
use crate::support::people::{Caller, Session};
use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};

on_both_backends!(
    a_person_cannot_approve_their_own_post_403_own_post,
    an_approver_who_changed_the_content_cannot_approve_it_403_own_post,
    two_tokens_of_one_person_count_as_that_person_403_own_post,
    posts_and_audit_events_carry_the_names_of_people_and_tokens,
);

/// Creates a post for approval as `caller`: (id, version).
async fn pending(app: &TestApp, ws: &str, caller: &Caller, text: &str) -> (String, i64) {
    let path = format!("/api/workspaces/{ws}/posts");
    let body = json!({"text": text, "platforms": ["twitter"]});
    let post = app.call_as(Method::POST, &path, caller, Some(body)).await.expect(201);
    assert_eq!(post["status"], "pending_approval");
    (post["id"].as_str().unwrap().to_owned(), post["version"].as_i64().unwrap())
}

async fn approve(app: &TestApp, ws: &str, caller: &Caller, id: &str, version: i64) -> Reply {
    let path = format!("/api/workspaces/{ws}/posts/{id}/approve");
    app.call_as(Method::POST, &path, caller, Some(json!({"version": version}))).await
}

async fn a_person_cannot_approve_their_own_post_403_own_post(app: TestApp) {
    let ws = app.create_workspace("own-post", true, "expire").await;
    let approver = Caller::person(&app.person(&ws, "approver").await);
    let (id, version) = pending(&app, &ws, &approver, "mine").await;
    approve(&app, &ws, &approver, &id, version).await.expect_error(403, "own_post");
    let colleague = Caller::person(&app.person(&ws, "approver").await);
    assert_eq!(
        approve(&app, &ws, &colleague, &id, version).await.expect(200)["status"],
        "published"
    );
}

async fn an_approver_who_changed_the_content_cannot_approve_it_403_own_post(app: TestApp) {
    let ws = app.create_workspace("edited", true, "expire").await;
    let editor = Caller::person(&app.person(&ws, "editor").await);
    let approver = Caller::person(&app.person(&ws, "approver").await);
    let (id, version) = pending(&app, &ws, &editor, "first words").await;
    let path = format!("/api/workspaces/{ws}/posts/{id}");
    let edit = json!({"text": "the approver's words", "version": version});
    let edited = app.call_as(Method::PATCH, &path, &approver, Some(edit)).await.expect(200);
    let version = edited["version"].as_i64().unwrap();
    approve(&app, &ws, &approver, &id, version).await.expect_error(403, "own_post");
}

async fn two_tokens_of_one_person_count_as_that_person_403_own_post(app: TestApp) {
    let ws = app.create_workspace("two-tokens", true, "expire").await;
    let admin = app.person(&ws, "admin").await;
    let token = |role: &'static str| {
        let (app, ws, admin) = (&app, &ws, &admin);
        async move {
            let path = format!("/api/workspaces/{ws}/tokens");
            let body = json!({"role": role, "name": format!("{role} bot")});
            let created =
                app.call_as(Method::POST, &path, &Caller::person(admin), Some(body)).await;
            Caller::Bearer(created.expect(201)["token"].as_str().unwrap().to_owned())
        }
    };
    let (editor, approver) = (token("editor").await, token("approver").await);
    let (id, version) = pending(&app, &ws, &editor, "written by a bot").await;
    approve(&app, &ws, &approver, &id, version).await.expect_error(403, "own_post");
    approve(&app, &ws, &Caller::person(&admin), &id, version).await.expect_error(403, "own_post");
    let other = Caller::person(&app.person(&ws, "approver").await);
    approve(&app, &ws, &other, &id, version).await.expect(200);
}

async fn posts_and_audit_events_carry_the_names_of_people_and_tokens(app: TestApp) {
    let ws = app.create_workspace("names", true, "expire").await;
    let editor: Session = app.person(&ws, "editor").await;
    let path = format!("/api/workspaces/{ws}/tokens");
    let body = json!({"role": "approver", "name": "Release bot"});
    let bot = app.call(Method::POST, &path, Some(ADMIN), Some(body)).await.expect(201);
    let bot = Caller::Bearer(bot["token"].as_str().unwrap().to_owned());
    let (id, version) = pending(&app, &ws, &Caller::person(&editor), "named").await;
    approve(&app, &ws, &bot, &id, version).await.expect(200);
    let detail = app.post_detail(&ws, &id).await;
    assert_eq!(detail["author"], format!("user:{}", editor.user_id));
    assert_eq!(detail["author_name"], "editor", "the name given at acceptance");
    let actors: Vec<(&str, &str)> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor_name"].as_str().unwrap()))
        .collect();
    assert!(actors.contains(&("create", "editor")), "{actors:?}");
    assert!(actors.contains(&("approve", "Release bot")), "{actors:?}");
    assert!(actors.iter().any(|(a, n)| *a == "publish" && *n == "Herald"), "{actors:?}");
    let listed = app
        .call(Method::GET, &format!("/api/workspaces/{ws}/posts"), Some(ADMIN), None)
        .await
        .expect(200);
    assert_eq!(listed["posts"][0]["author_name"], "editor");
    let (_, _, _, dashboard) = history(&app, &ws, ADMIN, "").await;
    let own: Vec<&Value> =
        dashboard["posts"].as_array().unwrap().iter().filter(|p| p["id"] == id.as_str()).collect();
    assert_eq!(own[0]["author_name"], "editor", "the dashboard names authors too");
    // A rename shows everywhere at once.
    let rename = json!({"name": "Eddie"});
    app.call_as(Method::PATCH, "/api/me", &Caller::person(&editor), Some(rename)).await.expect(200);
    assert_eq!(app.post_detail(&ws, &id).await["author_name"], "Eddie");
    let (_, _, _, dashboard) = history(&app, &ws, ADMIN, "").await;
    let own: Vec<&Value> =
        dashboard["posts"].as_array().unwrap().iter().filter(|p| p["id"] == id.as_str()).collect();
    assert_eq!(own[0]["author_name"], "Eddie");
}
