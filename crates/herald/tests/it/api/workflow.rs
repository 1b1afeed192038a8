//! The approval workflow through the HTTP API, end to end against the simulator.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

fn in_an_hour() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339()
}

#[tokio::test]
async fn draft_to_published_by_the_scheduler_through_changes_and_approval() {
    let app = spawn_app().await;
    let ws = app.create_workspace("flow", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let approver = app.token(&ws, "approver").await;

    let post = app.create_post(&ws, &editor, json!({"text": "Launch day", "platforms": ["twitter", "linkedin"], "schedule_at": in_an_hour(), "submit": false})).await.expect(201);
    assert_eq!((post["status"].as_str(), post["version"].as_i64()), (Some("draft"), Some(1)));
    let id = post["id"].as_str().unwrap();

    let post = app.act(&ws, id, "submit", &editor, json!({"version": 1})).await.expect(200);
    assert_eq!(post["status"], "pending_approval");
    let post = app
        .act(
            &ws,
            id,
            "request-changes",
            &approver,
            json!({"version": 2, "comment": "shorter please"}),
        )
        .await
        .expect(200);
    assert_eq!(post["status"], "changes_requested");
    let path = format!("/api/workspaces/{ws}/posts/{id}");
    let post = app
        .call(Method::PATCH, &path, Some(&editor), Some(json!({"version": 3, "text": "Launch!"})))
        .await
        .expect(200);
    assert_eq!(
        (post["status"].as_str(), post["text"].as_str()),
        (Some("changes_requested"), Some("Launch!"))
    );
    let post = app.act(&ws, id, "submit", &editor, json!({"version": 4})).await.expect(200);
    assert_eq!(post["status"], "pending_approval");
    let post = app
        .act(&ws, id, "approve", &approver, json!({"version": 5, "comment": "ship it"}))
        .await
        .expect(200);
    assert_eq!(post["status"], "scheduled");
    assert_eq!(posts_sent(&app.sim_stats()), 0, "nothing is sent before it is due");

    app.backdate_schedule(&ws, id).await;
    let report = app.call(Method::POST, "/api/scheduler/run", Some(CRON), None).await.expect(200);
    assert_eq!(
        report,
        json!({"published": 1, "failed": 0, "skipped": 0, "waiting": 0, "overdue": 0})
    );
    let detail = app.get_post(&ws, id, &editor).await;
    assert_eq!(detail["status"], "published");
    assert!(detail["ayrshare_id"].is_string());
    assert_eq!(detail["platform_results"].as_array().unwrap().len(), 2);
    assert!(detail["platform_results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "success" && r["post_url"].is_string()));
    let actions: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "create",
            "submit",
            "request_changes",
            "edit",
            "submit",
            "approve",
            "reschedule",
            "claim",
            "publish"
        ]
    );
    assert_eq!(posts_sent(&app.sim_stats()), 1);
}

#[tokio::test]
async fn rejecting_needs_a_comment_and_closes_the_post_until_resubmitted() {
    let app = spawn_app().await;
    let ws = app.create_workspace("rej", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let approver = app.token(&ws, "approver").await;
    let post = app
        .create_post(&ws, &editor, json!({"text": "Hot take", "platforms": ["twitter"]}))
        .await
        .expect(201);
    let id = post["id"].as_str().unwrap();
    app.act(&ws, id, "reject", &approver, json!({"version": 1}))
        .await
        .expect_error(422, "invalid_field");
    let post = app
        .act(&ws, id, "reject", &approver, json!({"version": 1, "comment": "off brand"}))
        .await
        .expect(200);
    assert_eq!(post["status"], "rejected");
    app.act(&ws, id, "approve", &approver, json!({"version": 2}))
        .await
        .expect_error(409, "invalid_transition");
    let post = app.act(&ws, id, "submit", &editor, json!({"version": 2})).await.expect(200);
    assert_eq!(post["status"], "pending_approval");
}

#[tokio::test]
async fn without_approval_a_post_is_published_now_with_its_final_status() {
    let app = spawn_app().await;
    let ws = app.create_workspace("now", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let post = app
        .create_post(&ws, &editor, json!({"text": "Now!", "platforms": ["twitter", "facebook"]}))
        .await
        .expect(201);
    assert_eq!(post["status"], "published");
    assert_eq!(post["version"], 2);
    assert!(post["published_at"].is_string());
    assert_eq!(app.sim_history("now").await.len(), 1);
    let later = app
        .create_post(
            &ws,
            &editor,
            json!({"text": "Later", "platforms": ["twitter"], "schedule_at": in_an_hour()}),
        )
        .await
        .expect(201);
    assert_eq!(later["status"], "scheduled");
}

#[tokio::test]
async fn late_approval_expires_by_default() {
    let app = spawn_app().await;
    let ws = app.create_workspace("late-expire", true, "expire").await;
    let (editor, approver) = (app.token(&ws, "editor").await, app.token(&ws, "approver").await);
    let post = app
        .create_post(
            &ws,
            &editor,
            json!({"text": "Too late", "platforms": ["twitter"], "schedule_at": in_an_hour()}),
        )
        .await
        .expect(201);
    let id = post["id"].as_str().unwrap();
    let v = app.backdate_schedule(&ws, id).await;
    let post = app.act(&ws, id, "approve", &approver, json!({"version": v})).await.expect(200);
    assert_eq!(post["status"], "expired");
    assert_eq!(posts_sent(&app.sim_stats()), 0);
}

#[tokio::test]
async fn late_approval_publishes_now_when_the_workspace_says_so() {
    let app = spawn_app().await;
    let ws = app.create_workspace("late-publish", true, "publish").await;
    let (editor, approver) = (app.token(&ws, "editor").await, app.token(&ws, "approver").await);
    let post = app.create_post(&ws, &editor, json!({"text": "Still worth it", "platforms": ["twitter"], "schedule_at": in_an_hour()})).await.expect(201);
    let id = post["id"].as_str().unwrap();
    let v = app.backdate_schedule(&ws, id).await;
    let post = app.act(&ws, id, "approve", &approver, json!({"version": v})).await.expect(200);
    assert_eq!(post["status"], "published");
    assert_eq!(posts_sent(&app.sim_stats()), 1);
}

#[tokio::test]
async fn stale_version_is_a_409_and_changes_nothing() {
    let app = spawn_app().await;
    let ws = app.create_workspace("stale", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let post = app
        .create_post(&ws, &editor, json!({"text": "v1", "platforms": ["twitter"], "submit": false}))
        .await
        .expect(201);
    let id = post["id"].as_str().unwrap();
    let path = format!("/api/workspaces/{ws}/posts/{id}");
    app.call(Method::PATCH, &path, Some(&editor), Some(json!({"version": 1, "text": "v2"})))
        .await
        .expect(200);
    let err = app
        .call(Method::PATCH, &path, Some(&editor), Some(json!({"version": 1, "text": "v3"})))
        .await
        .expect_error(409, "version_conflict");
    assert_eq!(err["error"]["details"]["current_version"], 2);
    let res = app
        .http
        .patch(format!("{}{}", app.url, path))
        .bearer_auth(&editor)
        .header("If-Match", "\"2\"")
        .json(&json!({"text": "v3"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "If-Match carries the version too");
    let detail = app.get_post(&ws, id, &editor).await;
    assert_eq!((detail["text"].as_str(), detail["version"].as_i64()), (Some("v3"), Some(3)));
    assert_eq!(detail["events"].as_array().unwrap().len(), 3, "the refused edit left no event");
}

#[tokio::test]
async fn editing_an_approved_post_sends_it_back_to_approval() {
    let app = spawn_app().await;
    let ws = app.create_workspace("reapprove", true, "expire").await;
    let (editor, approver) = (app.token(&ws, "editor").await, app.token(&ws, "approver").await);
    let post = app
        .create_post(
            &ws,
            &editor,
            json!({"text": "Approved copy", "platforms": ["twitter"], "schedule_at": in_an_hour()}),
        )
        .await
        .expect(201);
    let id = post["id"].as_str().unwrap();
    app.act(&ws, id, "approve", &approver, json!({"version": 1})).await.expect(200);
    let path = format!("/api/workspaces/{ws}/posts/{id}");
    let post = app
        .call(
            Method::PATCH,
            &path,
            Some(&editor),
            Some(json!({"version": 2, "text": "Sneaky change"})),
        )
        .await
        .expect(200);
    assert_eq!(post["status"], "pending_approval");
}

#[tokio::test]
async fn retry_republishes_only_the_failed_platforms() {
    let app = spawn_app().await;
    let ws = app.create_workspace("retry", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    // Herald read the linked accounts while LinkedIn was linked; it fails after that.
    app.linked_accounts(&ws).await;
    app.sim.sim.update_config(|c| c.fail_platforms = vec!["linkedin".into()]);
    let post = app
        .create_post(
            &ws,
            &editor,
            json!({"text": "Half way", "platforms": ["twitter", "linkedin"]}),
        )
        .await
        .expect(201);
    assert_eq!(post["status"], "partially_published");
    let failed = post["platform_results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["platform"] == "linkedin")
        .unwrap()
        .clone();
    assert!(
        failed["error"].as_str().unwrap().contains("156"),
        "Ayrshare's reason is kept: {failed}"
    );
    app.sim.sim.update_config(|c| c.fail_platforms.clear());
    let id = post["id"].as_str().unwrap();
    let post =
        app.act(&ws, id, "retry", &editor, json!({"version": post["version"]})).await.expect(200);
    assert_eq!(post["status"], "published");
    let history = app.sim_history("retry").await;
    let platforms: Vec<_> = history.iter().map(|h| h["platforms"].clone()).collect();
    assert!(
        platforms.contains(&json!(["linkedin"])),
        "the retry posted linkedin alone: {platforms:?}"
    );
    assert_eq!(history.len(), 2);
}

#[tokio::test]
async fn deleting_cancels_unpublished_and_deletes_published_upstream_as_admin() {
    let app = spawn_app().await;
    let ws = app.create_workspace("del", false, "expire").await;
    let (editor, admin) = (app.token(&ws, "editor").await, app.token(&ws, "admin").await);
    let draft = app
        .create_post(
            &ws,
            &editor,
            json!({"text": "draft", "platforms": ["twitter"], "submit": false}),
        )
        .await
        .expect(201);
    let path = format!("/api/workspaces/{ws}/posts/{}", draft["id"].as_str().unwrap());
    let cancelled = app
        .call(Method::DELETE, &path, Some(&editor), Some(json!({"version": 1})))
        .await
        .expect(200);
    assert_eq!(cancelled["status"], "cancelled");

    let live = app
        .create_post(&ws, &editor, json!({"text": "live", "platforms": ["twitter"]}))
        .await
        .expect(201);
    let path = format!("/api/workspaces/{ws}/posts/{}", live["id"].as_str().unwrap());
    app.call(Method::DELETE, &path, Some(&editor), Some(json!({"version": 2})))
        .await
        .expect_error(403, "forbidden");
    let deleted = app
        .call(Method::DELETE, &path, Some(&admin), Some(json!({"version": 2})))
        .await
        .expect(200);
    assert_eq!(deleted["status"], "deleted");
    assert_eq!(app.sim_stats().requests.get("DELETE /api/post"), Some(&1));
}
