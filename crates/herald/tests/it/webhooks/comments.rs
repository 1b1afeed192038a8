//! `comment.created` (API.md "Integrations"): a new comment is one message to each
//! endpoint subscribed to it — none to the others — with the comment as `data`, in the
//! delivery log like any event. (Read from the log: no receiver package needed.)

use super::{deliveries, log_until, register};
use crate::support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_comment_is_one_comment_created_message_to_each_subscribed_endpoint() {
    let app = spawn_app().await;
    let ws = app.create_workspace("hooks-comments", true, "expire").await;
    let (subscribed, _) =
        register(&app, &ws, "http://127.0.0.1:9/comments", &["comment.created"]).await;
    let (other, _) = register(&app, &ws, "http://127.0.0.1:9/posts", &["post.approved"]).await;
    let editor = app.token(&ws, "editor").await;
    let body = json!({"text": "a post to discuss", "platforms": ["twitter"]});
    let post = app.create_post(&ws, &editor, body).await.expect(201);
    let id = post["id"].as_str().unwrap();
    let path = format!("/api/workspaces/{ws}/posts/{id}/comments");
    let added = app.call(Method::POST, &path, Some(&editor), Some(json!({"text": "Tuesday?"})));
    assert_eq!(added.await.expect(201)["text"], "Tuesday?");

    let log = log_until(&app, &ws, &subscribed, |l| {
        l.iter().any(|d| d["event_type"] == "comment.created")
    })
    .await;
    assert_eq!(log.iter().filter(|d| d["event_type"] == "comment.created").count(), 1, "{log:?}");
    assert!(deliveries(&app, &ws, &other)
        .await
        .iter()
        .all(|d| d["event_type"] != "comment.created"));
}
