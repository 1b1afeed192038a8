//! Access follows the person (issue 19, N5 and N15): removing a member, demoting them or
//! revoking a token withdraws what they issued — the tokens they made (and what those
//! made) are revoked, their open invitations withdrawn — and an invitation whose issuer
//! no longer holds its role is 410; a removed member no longer lists the workspace's
//! notifications. Every scenario runs on SQLite and on PostgreSQL.

use super::people::on_both_backends;
use crate::support::events::Events;
use crate::support::people::{invitation_token, Caller};
use crate::support::*;
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::{Invitation, Role};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

on_both_backends!(
    removing_an_admin_revokes_the_tokens_they_made_and_withdraws_their_invitations,
    demoting_an_admin_revokes_the_tokens_they_made_and_withdraws_their_invitations,
    revoking_a_token_revokes_the_tokens_it_made_and_withdraws_its_invitations,
    an_invitation_whose_issuer_no_longer_holds_its_role_is_410,
    a_removed_member_no_longer_lists_the_workspaces_notifications,
);

/// `caller` makes a token of `role` in `ws`: the token.
async fn token_by(app: &TestApp, ws: &str, caller: &Caller, role: &str) -> Caller {
    let path = format!("/api/workspaces/{ws}/tokens");
    let made = app.call_as(Method::POST, &path, caller, Some(json!({"role": role}))).await;
    Caller::Bearer(made.expect(201)["token"].as_str().unwrap().to_owned())
}

/// `caller` invites a new address into `ws` as `role`: the invitation's secret.
async fn invitation_by(app: &TestApp, ws: &str, caller: &Caller, role: &str) -> String {
    let path = format!("/api/workspaces/{ws}/invitations");
    let email = format!("door-{}@example.com", uuid::Uuid::new_v4().simple());
    let body = json!({"email": email, "role": role});
    invitation_token(&app.call_as(Method::POST, &path, caller, Some(body)).await.expect(201))
}

/// What an admin leaves behind: an admin token, a token that one made, and an admin
/// invitation from each.
struct LeftBehind {
    token: Caller,
    grandchild: Caller,
    invitations: Vec<String>,
}

async fn leave_behind(app: &TestApp, ws: &str, admin: &Caller) -> LeftBehind {
    let token = token_by(app, ws, admin, "admin").await;
    let grandchild = token_by(app, ws, &token, "admin").await;
    let invitations = vec![
        invitation_by(app, ws, admin, "admin").await,
        invitation_by(app, ws, &token, "admin").await,
        invitation_by(app, ws, &grandchild, "admin").await,
    ];
    LeftBehind { token, grandchild, invitations }
}

async fn assert_withdrawn(app: &TestApp, ws: &str, left: LeftBehind) {
    for (which, token) in [("their token", &left.token), ("its token", &left.grandchild)] {
        let read = app.call_as(Method::GET, &format!("/api/workspaces/{ws}"), token, None).await;
        assert_eq!(read.status, 401, "{which} still works: {}", read.text);
    }
    for secret in left.invitations {
        let (status, _, body) = app.accept(&secret, "Back door").await;
        assert_eq!(status, 410, "an invitation they issued was accepted: {body}");
        assert_eq!(body["error"]["code"], "invitation_gone");
    }
}

async fn removing_an_admin_revokes_the_tokens_they_made_and_withdraws_their_invitations(
    app: TestApp,
) {
    let ws = app.create_workspace("leaver", true, "expire").await;
    let admin = app.person(&ws, "admin").await;
    app.person(&ws, "admin").await; // not the last admin
    let left = leave_behind(&app, &ws, &Caller::person(&admin)).await;
    let path = format!("/api/workspaces/{ws}/members/{}", admin.user_id);
    app.call(Method::DELETE, &path, Some(ADMIN), None).await.expect(204);
    assert_withdrawn(&app, &ws, left).await;
}

async fn demoting_an_admin_revokes_the_tokens_they_made_and_withdraws_their_invitations(
    app: TestApp,
) {
    let ws = app.create_workspace("demoted", true, "expire").await;
    let admin = app.person(&ws, "admin").await;
    let other = app.person(&ws, "admin").await;
    let left = leave_behind(&app, &ws, &Caller::person(&admin)).await;
    let path = format!("/api/workspaces/{ws}/members/{}", admin.user_id);
    let body = json!({"role": "editor"});
    app.call(Method::PATCH, &path, Some(ADMIN), Some(body)).await.expect(200);
    assert_withdrawn(&app, &ws, left).await;
    let kept = token_by(&app, &ws, &Caller::person(&other), "editor").await;
    let path = format!("/api/workspaces/{ws}/members/{}", other.user_id);
    let body = json!({"role": "admin"});
    app.call(Method::PATCH, &path, Some(ADMIN), Some(body)).await.expect(200);
    let read = app.call_as(Method::GET, &format!("/api/workspaces/{ws}"), &kept, None).await;
    assert_eq!(read.status, 200, "an unchanged role withdraws nothing: {}", read.text);
}

async fn revoking_a_token_revokes_the_tokens_it_made_and_withdraws_its_invitations(app: TestApp) {
    let ws = app.create_workspace("leaked", true, "expire").await;
    let (id, token) = app.token_with_id(&ws, "admin").await;
    let left = leave_behind(&app, &ws, &Caller::Bearer(token)).await;
    let bystander = Caller::Bearer(app.token(&ws, "editor").await);
    let path = format!("/api/workspaces/{ws}/tokens/{id}");
    app.call(Method::DELETE, &path, Some(ADMIN), None).await.expect(204);
    assert_withdrawn(&app, &ws, left).await;
    let read = app.call_as(Method::GET, &format!("/api/workspaces/{ws}"), &bystander, None).await;
    assert_eq!(read.status, 200, "a token someone else made stays: {}", read.text);
    let path = format!("/api/workspaces/{ws}/tokens");
    let listed = app.call(Method::GET, &path, Some(ADMIN), None).await.expect(200);
    let listed: Vec<Value> = listed.as_array().unwrap().clone();
    let revoked = listed.iter().filter(|t| t["revoked"] == true).count();
    assert_eq!(revoked, 3, "the token, its child and grandchild: {listed:?}");
    assert!(listed.iter().any(|t| t["issued_by"] == format!("token:{id}")), "{listed:?}");
}

async fn an_invitation_whose_issuer_no_longer_holds_its_role_is_410(app: TestApp) {
    let ws = app.create_workspace("issuer-role", true, "expire").await;
    let editor = app.person(&ws, "editor").await;
    let (secret, token_hash) = herald::gate::auth::new_token();
    let now = now_ms();
    let invitation = Invitation {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.clone(),
        email: "climber@example.com".into(),
        role: Role::Admin,
        token_hash,
        invited_by: herald::foundation::domain::Actor::user(&editor.user_id),
        created_at: now,
        expires_at: now + chrono::Duration::days(1),
        accepted_at: None,
        withdrawn_at: None,
    };
    app.store.create_invitation(&invitation).await.unwrap();
    let (status, _, body) = app.accept(secret.expose(), "Climber").await;
    assert_eq!(status, 410, "an editor's admin invitation was accepted: {body}");
    assert_eq!(body["error"]["code"], "invitation_gone");
    let (secret, token_hash) = herald::gate::auth::new_token();
    let fair = Invitation {
        id: uuid::Uuid::now_v7().to_string(),
        role: Role::Editor,
        token_hash,
        ..invitation
    };
    app.store.create_invitation(&fair).await.unwrap();
    let (status, _, body) = app.accept(secret.expose(), "Peer").await;
    assert_eq!(status, 200, "an editor's editor invitation: {body}");
}

async fn a_removed_member_no_longer_lists_the_workspaces_notifications(app: TestApp) {
    let ws = app.create_workspace("forgotten", true, "expire").await;
    let other = app.create_workspace("stays", true, "expire").await;
    let approver = app.person(&ws, "approver").await;
    let me = Caller::person(&approver);
    let invitation = app.invite(&other, &approver.email, "approver").await;
    let body = json!({"token": invitation_token(&invitation)});
    app.call_as(Method::POST, "/api/invitations/accept", &me, Some(body)).await.expect(200);
    for (space, text) in [(&ws, "SECRET-LAUNCH-CODENAME"), (&other, "kept")] {
        let mut heard = Events::of(app.open_stream(space, &me).await);
        let editor = Caller::Bearer(app.token(space, "editor").await);
        let path = format!("/api/workspaces/{space}/posts");
        let body = json!({"text": text, "platforms": ["twitter"]});
        app.call_as(Method::POST, &path, &editor, Some(body)).await.expect(201);
        let seen = heard.wait_for("notification", Duration::from_secs(5), |_| true).await;
        assert!(seen.is_some(), "the approver was never told of {text}");
    }
    let listed = || async {
        let list = app.call_as(Method::GET, "/api/me/notifications", &me, None).await;
        list.expect(200).as_array().cloned().unwrap_or_default()
    };
    let of =
        |list: &[Value], space: &str| list.iter().filter(|n| n["workspace_id"] == space).count();
    let before = listed().await;
    assert_eq!((of(&before, &ws), of(&before, &other)), (1, 1), "{before:?}");
    let path = format!("/api/workspaces/{ws}/members/{}", approver.user_id);
    app.call(Method::DELETE, &path, Some(ADMIN), None).await.expect(204);
    let after = listed().await;
    assert_eq!(of(&after, &ws), 0, "a removed member still lists the workspace's: {after:?}");
    assert_eq!(of(&after, &other), 1, "the other workspace's stay: {after:?}");
    let unread = app.call_as(Method::GET, "/api/me", &me, None).await.expect(200);
    assert_eq!(unread["unread_notifications"], 1);
}
