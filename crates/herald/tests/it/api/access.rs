//! Authentication, roles and tenant isolation: 401, 403 and 404 as API.md says.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn requests_without_a_valid_token_are_401() {
    let app = spawn_app().await;
    let ws = app.create_workspace("auth", true, "expire").await;
    let path = format!("/api/workspaces/{ws}/posts");
    app.call(Method::GET, &path, None, None).await.expect_error(401, "unauthorized");
    app.call(Method::GET, &path, Some("hrld_not-a-real-token"), None)
        .await
        .expect_error(401, "unauthorized");
    app.call(
        Method::POST,
        "/api/workspaces",
        None,
        Some(json!({"name": "x", "ayrshare_profile_key": "k"})),
    )
    .await
    .expect_error(401, "unauthorized");
    app.call(Method::POST, "/api/scheduler/run", Some("wrong"), None)
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test]
async fn roles_below_the_action_are_403() {
    let app = spawn_app().await;
    let ws = app.create_workspace("roles", true, "expire").await;
    let (viewer, editor) = (app.token(&ws, "viewer").await, app.token(&ws, "editor").await);
    let body = json!({"text": "hi", "platforms": ["twitter"]});
    app.create_post(&ws, &viewer, body.clone()).await.expect_error(403, "forbidden");
    let post = app.create_post(&ws, &editor, body).await.expect(201);
    let id = post["id"].as_str().unwrap();
    app.act(&ws, id, "approve", &editor, json!({"version": 1}))
        .await
        .expect_error(403, "forbidden");
    app.call(
        Method::POST,
        "/api/workspaces",
        Some(&editor),
        Some(json!({"name": "x", "ayrshare_profile_key": "k"})),
    )
    .await
    .expect_error(403, "forbidden");
    app.call(
        Method::POST,
        &format!("/api/workspaces/{ws}/tokens"),
        Some(&editor),
        Some(json!({"role": "admin"})),
    )
    .await
    .expect_error(403, "forbidden");
    app.get_post(&ws, id, &viewer).await;
}

#[tokio::test]
async fn approving_own_post_is_forbidden() {
    let app = spawn_app().await;
    let ws = app.create_workspace("own", true, "expire").await;
    let approver = app.token(&ws, "approver").await;
    let post = app
        .create_post(&ws, &approver, json!({"text": "mine", "platforms": ["twitter"]}))
        .await
        .expect(201);
    let id = post["id"].as_str().unwrap();
    app.act(&ws, id, "approve", &approver, json!({"version": 1}))
        .await
        .expect_error(403, "own_post");
    let other = app.token(&ws, "approver").await;
    app.act(&ws, id, "approve", &other, json!({"version": 1})).await.expect(200);
}

#[tokio::test]
async fn a_token_of_workspace_a_gets_404_on_workspace_b() {
    let app = spawn_app().await;
    let a = app.create_workspace("tenant-a", true, "expire").await;
    let b = app.create_workspace("tenant-b", true, "expire").await;
    let a_admin = app.token(&a, "admin").await;
    let b_editor = app.token(&b, "editor").await;
    let post = app
        .create_post(&b, &b_editor, json!({"text": "B's secret plan", "platforms": ["twitter"]}))
        .await
        .expect(201);
    let id = post["id"].as_str().unwrap();
    let on_b = format!("/api/workspaces/{b}/posts/{id}");
    app.call(Method::GET, &on_b, Some(&a_admin), None).await.expect_error(404, "not_found");
    app.call(Method::GET, &format!("/api/workspaces/{b}/posts"), Some(&a_admin), None)
        .await
        .expect_error(404, "not_found");
    app.call(Method::GET, &format!("/api/workspaces/{b}"), Some(&a_admin), None)
        .await
        .expect_error(404, "not_found");
    app.act(&b, id, "approve", &a_admin, json!({"version": 1}))
        .await
        .expect_error(404, "not_found");
    app.call(Method::DELETE, &on_b, Some(&a_admin), Some(json!({"version": 1})))
        .await
        .expect_error(404, "not_found");
    // B's post id under A's workspace is just as unknown.
    app.call(Method::GET, &format!("/api/workspaces/{a}/posts/{id}"), Some(&a_admin), None)
        .await
        .expect_error(404, "not_found");
    let listed = app.call(Method::GET, "/api/workspaces", Some(&a_admin), None).await.expect(200);
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "a workspace token lists only its own workspace"
    );
}

#[tokio::test]
async fn revoked_tokens_stop_working() {
    let app = spawn_app().await;
    let ws = app.create_workspace("revoke", true, "expire").await;
    let created = app
        .call(
            Method::POST,
            &format!("/api/workspaces/{ws}/tokens"),
            Some(ADMIN),
            Some(json!({"role": "viewer", "name": "ci"})),
        )
        .await
        .expect(201);
    let (id, token) = (created["id"].as_str().unwrap(), created["token"].as_str().unwrap());
    app.call(Method::GET, &format!("/api/workspaces/{ws}"), Some(token), None).await.expect(200);
    app.call(Method::DELETE, &format!("/api/workspaces/{ws}/tokens/{id}"), Some(ADMIN), None)
        .await
        .expect(204);
    app.call(Method::GET, &format!("/api/workspaces/{ws}"), Some(token), None)
        .await
        .expect_error(401, "unauthorized");
    let listed = app
        .call(Method::GET, &format!("/api/workspaces/{ws}/tokens"), Some(ADMIN), None)
        .await
        .expect(200);
    assert!(listed.to_string().find(token).is_none(), "token lists never include the token");
}
