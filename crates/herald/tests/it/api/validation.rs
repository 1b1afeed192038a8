//! Bad input: 400 for unreadable bodies, 422 naming the field, never a 500.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn malformed_json_is_400_with_the_error_body() {
    let app = spawn_app().await;
    let ws = app.create_workspace("badjson", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let path = format!("/api/workspaces/{ws}/posts");
    app.raw(Method::POST, &path, &editor, "application/json", "{\"text\": ")
        .await
        .expect_error(400, "malformed_request");
    app.raw(Method::POST, &path, &editor, "text/plain", "hello")
        .await
        .expect_error(400, "malformed_request");
    app.raw(Method::POST, "/api/workspaces", ADMIN, "application/json", "[1,2")
        .await
        .expect_error(400, "malformed_request");
}

#[tokio::test]
async fn invalid_fields_are_422_naming_the_field() {
    let app = spawn_app().await;
    let ws = app.create_workspace("badfields", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let cases = [
        (json!({"text": "hi", "platforms": ["twitter"], "colour": "red"}), "colour"),
        (json!({"platforms": ["twitter"]}), "text"),
        (json!({"text": "", "platforms": ["twitter"]}), "text"),
        (json!({"text": "x".repeat(281), "platforms": ["twitter", "facebook"]}), "text"),
        (json!({"text": "hi", "platforms": ["myspace"]}), "platforms"),
        (json!({"text": "hi", "platforms": []}), "platforms"),
        (json!({"text": "hi", "platforms": "twitter"}), "platforms"),
        (
            json!({"text": "hi", "platforms": ["twitter"], "schedule_at": "next tuesday"}),
            "schedule_at",
        ),
        (
            json!({"text": "hi", "platforms": ["twitter"], "schedule_at": "2001-01-01T00:00:00Z"}),
            "schedule_at",
        ),
        (
            json!({"text": "hi", "platforms": ["twitter"], "schedule_at": "2099-01-01T00:00:00+05:00"}),
            "schedule_at",
        ),
        (
            json!({"text": "hi", "platforms": ["twitter"], "media_urls": ["file:///etc/passwd"]}),
            "media_urls",
        ),
        (json!({"text": 42, "platforms": ["twitter"]}), "text"),
    ];
    for (body, field) in cases {
        let err =
            app.create_post(&ws, &editor, body.clone()).await.expect_error(422, "invalid_field");
        assert_eq!(err["error"]["details"]["field"], field, "for {body}");
    }
    let listed = app
        .call(Method::GET, &format!("/api/workspaces/{ws}/posts"), Some(&editor), None)
        .await
        .expect(200);
    assert!(listed["posts"].as_array().unwrap().is_empty(), "nothing half-written");
}

#[tokio::test]
async fn schedule_with_any_offset_is_stored_in_utc() {
    let app = spawn_app().await;
    let ws = app.create_workspace("tz", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let local = (chrono::Utc::now() + chrono::Duration::days(1))
        .with_timezone(&chrono::FixedOffset::west_opt(5 * 3600).unwrap());
    let post = app
        .create_post(
            &ws,
            &editor,
            json!({"text": "hi", "platforms": ["twitter"], "schedule_at": local.to_rfc3339()}),
        )
        .await
        .expect(201);
    let stored = post["schedule_at"].as_str().unwrap();
    assert!(stored.ends_with('Z'), "{stored}");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(stored).unwrap().timestamp(),
        local.timestamp()
    );
}

#[tokio::test]
async fn bad_query_and_path_input_is_4xx_never_500() {
    let app = spawn_app().await;
    let ws = app.create_workspace("badquery", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    for q in ["limit=0", "limit=abc", "status=sleeping", "cursor=garbage"] {
        app.call(Method::GET, &format!("/api/workspaces/{ws}/posts?{q}"), Some(&editor), None)
            .await
            .expect_error(422, "invalid_field");
    }
    app.call(Method::GET, &format!("/api/workspaces/{ws}/posts/%00%ff"), Some(&editor), None)
        .await
        .expect_error(404, "not_found");
    app.call(Method::GET, "/api/nope", Some(&editor), None).await.expect_error(404, "not_found");
    app.act(&ws, "missing", "approve", &editor, json!({"version": 1}))
        .await
        .expect_error(404, "not_found");
    let post = app
        .create_post(&ws, &editor, json!({"text": "hi", "platforms": ["twitter"], "submit": false}))
        .await
        .expect(201);
    let id = post["id"].as_str().unwrap();
    app.act(&ws, id, "submit", &editor, json!({})).await.expect_error(422, "invalid_field");
    app.act(&ws, id, "submit", &editor, json!({"version": "one"}))
        .await
        .expect_error(422, "invalid_field");
    app.call(
        Method::POST,
        "/api/workspaces",
        Some(ADMIN),
        Some(json!({"name": "x", "ayrshare_profile_key": "k", "timezone": "Mars/Olympus"})),
    )
    .await
    .expect_error(422, "invalid_field");
    app.call(
        Method::POST,
        "/api/workspaces",
        Some(ADMIN),
        Some(json!({"name": "badquery", "ayrshare_profile_key": "k"})),
    )
    .await
    .expect_error(409, "conflict");
}

#[tokio::test]
async fn listing_pages_newest_first_with_a_cursor() {
    let app = spawn_app().await;
    let ws = app.create_workspace("paging", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    for i in 0..5 {
        app.create_post(
            &ws,
            &editor,
            json!({"text": format!("post {i}"), "platforms": ["twitter"], "submit": false}),
        )
        .await
        .expect(201);
    }
    let mut seen = vec![];
    let mut cursor = String::new();
    loop {
        let page = app
            .call(
                Method::GET,
                &format!("/api/workspaces/{ws}/posts?limit=2&cursor={cursor}"),
                Some(&editor),
                None,
            )
            .await
            .expect(200);
        seen.extend(
            page["posts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["text"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, ["post 4", "post 3", "post 2", "post 1", "post 0"]);
    let drafts = app
        .call(Method::GET, &format!("/api/workspaces/{ws}/posts?status=draft"), Some(&editor), None)
        .await
        .expect(200);
    assert_eq!(drafts["posts"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn openapi_document_describes_every_route() {
    let app = spawn_app().await;
    let doc = app.call(Method::GET, "/api/openapi.json", None, None).await.expect(200);
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/workspaces",
        "/api/workspaces/{ws}",
        "/api/workspaces/{ws}/tokens",
        "/api/workspaces/{ws}/tokens/{id}",
        "/api/workspaces/{ws}/posts",
        "/api/workspaces/{ws}/posts/{id}",
        "/api/workspaces/{ws}/posts/{id}/submit",
        "/api/workspaces/{ws}/posts/{id}/approve",
        "/api/workspaces/{ws}/posts/{id}/reject",
        "/api/workspaces/{ws}/posts/{id}/request-changes",
        "/api/workspaces/{ws}/posts/{id}/retry",
        "/api/scheduler/run",
        "/api/webhooks/ayrshare",
        "/healthz",
        "/readyz",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
    }
    app.call(Method::GET, "/healthz", None, None).await;
    let ready = app.call(Method::GET, "/readyz", None, None).await.expect(200);
    assert_eq!(ready["database"], "ok");
}
