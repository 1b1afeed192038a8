//! Issue 19's people findings besides offboarding: four eyes by authorship (N8) and by
//! token chain (L5′), invitation mail only with `HERALD_PUBLIC_URL` links and a daily
//! limit per workspace (N12), acceptance that does not tell whether an address has an
//! account (N13), bare e-mail addresses only (N14), and the profile key hint for admins
//! only (I2). Scenarios on the store run on SQLite and on PostgreSQL.

use super::people::on_both_backends;
use crate::support::people::{invitation_token, Caller, PASSWORD};
use crate::support::smtp::SmtpSink;
use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};

on_both_backends!(
    an_approver_who_rewrote_a_post_cannot_approve_it_after_the_author_resubmits_403_own_post,
    tokens_minted_down_a_chain_from_one_token_count_as_that_token_403_own_post,
    a_workspace_makes_at_most_its_daily_invitations_then_429_with_retry_after,
    acceptance_answers_alike_whether_the_address_has_an_account_until_its_password_is_right,
);

async fn act(app: &TestApp, ws: &str, id: &str, action: &str, who: &Caller, body: Value) -> Reply {
    let path = format!("/api/workspaces/{ws}/posts/{id}/{action}");
    app.call_as(Method::POST, &path, who, Some(body)).await
}

async fn an_approver_who_rewrote_a_post_cannot_approve_it_after_the_author_resubmits_403_own_post(
    app: TestApp,
) {
    let ws = app.create_workspace("resubmit", true, "expire").await;
    let editor = Caller::person(&app.person(&ws, "editor").await);
    let approver = Caller::person(&app.person(&ws, "approver").await);
    let path = format!("/api/workspaces/{ws}/posts");
    let body = json!({"text": "the editor's words", "platforms": ["twitter"]});
    let post = app.call_as(Method::POST, &path, &editor, Some(body)).await.expect(201);
    let id = post["id"].as_str().unwrap().to_owned();
    let edit = json!({"text": "APPROVER TEXT", "version": post["version"]});
    let path = format!("/api/workspaces/{ws}/posts/{id}");
    let edited = app.call_as(Method::PATCH, &path, &approver, Some(edit)).await.expect(200);
    let asked = json!({"version": edited["version"], "comment": "see my version"});
    let asked = act(&app, &ws, &id, "request-changes", &approver, asked).await.expect(200);
    let resubmit = json!({"version": asked["version"]});
    let resubmitted = act(&app, &ws, &id, "submit", &editor, resubmit).await.expect(200);
    assert_eq!(resubmitted["status"], "pending_approval");
    let approve = json!({"version": resubmitted["version"]});
    act(&app, &ws, &id, "approve", &approver, approve.clone()).await.expect_error(403, "own_post");
    let colleague = Caller::person(&app.person(&ws, "approver").await);
    act(&app, &ws, &id, "approve", &colleague, approve).await.expect(200);
}

async fn tokens_minted_down_a_chain_from_one_token_count_as_that_token_403_own_post(app: TestApp) {
    let ws = app.create_workspace("token-chain", true, "expire").await;
    let automation = Caller::Bearer(app.token(&ws, "admin").await);
    let mint = |role: &'static str| {
        let (app, ws, automation) = (&app, &ws, &automation);
        async move {
            let path = format!("/api/workspaces/{ws}/tokens");
            let made = app.call_as(Method::POST, &path, automation, Some(json!({"role": role})));
            let made = made.await.expect(201);
            Caller::Bearer(made["token"].as_str().unwrap().to_owned())
        }
    };
    let (editor, approver) = (mint("editor").await, mint("approver").await);
    let path = format!("/api/workspaces/{ws}/posts");
    for author in [&editor, &automation] {
        let body = json!({"text": "no second person", "platforms": ["twitter"]});
        let post = app.call_as(Method::POST, &path, author, Some(body)).await.expect(201);
        let id = post["id"].as_str().unwrap();
        let approve = json!({"version": post["version"]});
        act(&app, &ws, id, "approve", &approver, approve.clone())
            .await
            .expect_error(403, "own_post");
        let outsider = Caller::Bearer(app.token(&ws, "approver").await);
        act(&app, &ws, id, "approve", &outsider, approve).await.expect(200);
    }
}

async fn a_workspace_makes_at_most_its_daily_invitations_then_429_with_retry_after(app: TestApp) {
    let ws = app.create_workspace("relay", true, "expire").await;
    for n in 0..50 {
        app.invite(&ws, &format!("n{n}@example.com"), "viewer").await;
    }
    let path = format!("/api/workspaces/{ws}/invitations");
    let body = json!({"email": "n50@example.com", "role": "viewer"});
    let res = app.http.post(format!("{}{path}", app.url)).bearer_auth(ADMIN).json(&body);
    let res = res.send().await.unwrap();
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((86_000..=86_400).contains(&wait), "until the oldest leaves the day: {wait}");
    let error: Value = res.json().await.unwrap();
    assert_eq!(error["error"]["code"], "rate_limited");
    let elsewhere = app.create_workspace("quiet", true, "expire").await;
    app.invite(&elsewhere, "n50@example.com", "viewer").await;
}

async fn acceptance_answers_alike_whether_the_address_has_an_account_until_its_password_is_right(
    app: TestApp,
) {
    let home = app.create_workspace("home", true, "expire").await;
    let known = app.person(&home, "editor").await;
    let ws = app.create_workspace("prober", true, "expire").await;
    let existing = invitation_token(&app.invite(&ws, &known.email, "viewer").await);
    let fresh = invitation_token(&app.invite(&ws, "nobody-yet@example.com", "viewer").await);
    let accept = |token: &str, body: Value| {
        let mut body = body;
        body["token"] = json!(token);
        let req = app.http.post(format!("{}/api/invitations/accept", app.url)).json(&body);
        async move {
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    for probe in [json!({}), json!({"password": "a wrong but long password"})] {
        let a = accept(&existing, probe.clone()).await;
        let b = accept(&fresh, probe.clone()).await;
        assert_eq!(a, b, "the answers tell the addresses apart for {probe}");
        assert_eq!(a.0, 422, "{a:?}");
    }
    let joined = accept(&existing, json!({"password": PASSWORD})).await;
    assert_eq!(joined.0, 200, "the account's password joins it: {:?}", joined.1);
    assert_eq!(joined.1["user"]["id"], known.user_id.as_str());
    let named = accept(&fresh, json!({"password": PASSWORD, "name": "Newcomer"})).await;
    assert_eq!(named.0, 200, "{:?}", named.1);
}

#[tokio::test]
async fn addresses_with_display_names_brackets_or_lists_are_422_email() {
    let app = spawn_app().await;
    let ws = app.create_workspace("bare", true, "expire").await;
    let path = format!("/api/workspaces/{ws}/invitations");
    for bad in ["x<attacker@evil.example>", "Ann <ann@example.com>", "a@b.c,attacker@evil.example"]
    {
        let body = json!({"email": bad, "role": "editor"});
        let reply = app.call(Method::POST, &path, Some(ADMIN), Some(body)).await;
        let error = reply.expect_error(422, "invalid_field");
        assert_eq!(error["error"]["details"]["field"], "email", "{bad}: {error}");
    }
    let created = app.invite(&ws, "Ann.Lee@Example.com", "editor").await;
    assert_eq!(created["email"], "ann.lee@example.com");
}

#[tokio::test]
async fn without_a_public_url_no_invitation_is_mailed_and_the_answer_says_so() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(Options { smtp_url: Some(sink.url()), ..Options::default() }).await;
    let ws = app.create_workspace("no-public-url", true, "expire").await;
    let path = format!("/api/workspaces/{ws}/invitations");
    let body = json!({"email": "victim@example.com", "role": "editor"});
    let req = app.http.post(format!("{}{path}", app.url)).bearer_auth(ADMIN).json(&body);
    let res = req.header("host", "evil.example").send().await.unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(
        (created["emailed"].as_bool(), created["mail"].as_str()),
        (Some(false), Some("no_public_url"))
    );
    assert!(sink.mails().is_empty(), "a link built from Host was mailed: {:?}", sink.mails());
}

#[tokio::test]
async fn a_mailed_invitation_links_to_the_public_url_whatever_the_host_and_keeps_tenant_text_out_of_the_subject(
) {
    let sink = SmtpSink::start().await;
    let options =
        Options { smtp_url: Some(sink.url()), public_url_is_self: true, ..Options::default() };
    let app = spawn_app_with(options).await;
    let ws = app.create_workspace("Account-suspended-verify-now", true, "expire").await;
    let path = format!("/api/workspaces/{ws}/invitations");
    let body = json!({"email": "victim@example.com", "role": "editor"});
    let req = app.http.post(format!("{}{path}", app.url)).bearer_auth(ADMIN).json(&body);
    let created: Value =
        req.header("host", "evil.example").send().await.unwrap().json().await.unwrap();
    assert_eq!(created["mail"], "sent");
    let mails = sink.wait_for(1, std::time::Duration::from_secs(5)).await;
    let subject = mails[0].header("subject").unwrap();
    assert!(!subject.contains("suspended"), "tenant text in the Subject: {subject}");
    assert!(!mails[0].data.contains("evil.example"), "{}", mails[0].data);
    assert!(mails[0].data.contains(&format!("{}/invitation#token", app.url)), "{}", mails[0].data);
}

#[tokio::test]
async fn only_workspace_admins_see_the_profile_key_hint() {
    let app = spawn_app().await;
    let ws = app.create_workspace("hinted", true, "expire").await;
    let key = profile_key("hinted");
    for role in ["viewer", "editor", "approver"] {
        let token = app.token(&ws, role).await;
        let one = app.call(Method::GET, &format!("/api/workspaces/{ws}"), Some(&token), None).await;
        assert_eq!(one.expect(200)["profile_key_hint"], Value::Null, "{role}");
        let all = app.call(Method::GET, "/api/workspaces", Some(&token), None).await.expect(200);
        assert_eq!(all[0]["profile_key_hint"], Value::Null, "{role}");
    }
    let admin = app.token(&ws, "admin").await;
    let one = app.call(Method::GET, &format!("/api/workspaces/{ws}"), Some(&admin), None).await;
    assert!(one.expect(200)["profile_key_hint"].as_str().unwrap().starts_with(&key[..8]));
}
