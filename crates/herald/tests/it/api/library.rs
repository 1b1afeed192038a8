//! The compose library (API.md "Compose"): templates and hashtag groups (member reads,
//! editor writes, names unique per workspace: 409 `name_taken`), and the media library
//! (every upload with its thumbnail, size, uploader and `used_by`; deleting one a post on
//! its way uses is 409 `in_use`); a post shows each upload through Herald's own copy
//! whoever hosts the URL it carries. Every scenario runs on SQLite and on PostgreSQL.

use crate::api::people::on_both_backends;
use crate::support::*;
use chrono::{Duration, Utc};
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};
use std::io::Cursor;

on_both_backends!(
    templates_are_created_used_edited_and_deleted_with_names_unique_per_workspace,
    hashtag_groups_keep_their_tags_and_names_unique_per_workspace,
    the_media_library_lists_uploads_with_their_use_and_refuses_deleting_one_in_use,
);

fn png(seed: u8) -> Vec<u8> {
    let image = image::RgbImage::from_fn(40, 20, |x, y| {
        image::Rgb([seed, (x % 256) as u8, (y % 256) as u8])
    });
    let mut out = Vec::new();
    image.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

async fn upload(app: &TestApp, ws: &str, token: &str, data: Vec<u8>) -> Value {
    let part = Part::bytes(data).file_name("pic.png").mime_str("image/png").unwrap();
    let res = app
        .http
        .post(format!("{}/api/workspaces/{ws}/media", app.url))
        .bearer_auth(token)
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn templates_are_created_used_edited_and_deleted_with_names_unique_per_workspace(
    app: TestApp,
) {
    let ws = app.create_workspace("templates", true, "expire").await;
    let other = app.create_workspace("templates-other", true, "expire").await;
    let (editor, viewer) = (app.token(&ws, "editor").await, app.token(&ws, "viewer").await);
    let path = format!("/api/workspaces/{ws}/templates");
    let body = json!({"name": "Launch", "text": "We launch {product} today", "platforms": ["linkedin", "twitter"],
                      "variants": {"twitter": {"text": "Launch!"}}, "first_comment": "More soon"});
    let created =
        app.call(Method::POST, &path, Some(&editor), Some(body.clone())).await.expect(201);
    assert_eq!(
        (created["name"].as_str(), created["variants"]["twitter"]["text"].as_str()),
        (Some("Launch"), Some("Launch!"))
    );
    app.call(Method::POST, &path, Some(&editor), Some(body.clone()))
        .await
        .expect_error(409, "name_taken");
    app.call(Method::POST, &path, Some(&viewer), Some(body.clone()))
        .await
        .expect_error(403, "forbidden");
    let bad = json!({"name": "Bad", "text": "hi", "platforms": ["twitter"], "variants": {"facebook": {"text": "x"}}});
    let r = app
        .call(Method::POST, &path, Some(&editor), Some(bad))
        .await
        .expect_error(422, "invalid_field");
    assert_eq!(r["error"]["details"]["field"], "variants.facebook");
    // Another workspace may use the name.
    let admin_other = app.token(&other, "editor").await;
    app.call(
        Method::POST,
        &format!("/api/workspaces/{other}/templates"),
        Some(&admin_other),
        Some(body),
    )
    .await
    .expect(201);

    let listed = app.call(Method::GET, &path, Some(&viewer), None).await.expect(200);
    assert_eq!(listed.as_array().unwrap().len(), 1, "a member reads its own workspace's only");
    // Used from the composer: its fields make a post.
    let t = &listed[0];
    let post = json!({"text": t["text"], "platforms": t["platforms"], "variants": t["variants"],
                      "first_comment": t["first_comment"], "submit": false});
    app.create_post(&ws, &editor, post).await.expect(201);

    let id = created["id"].as_str().unwrap();
    let one = format!("{path}/{id}");
    let edited = app
        .call(
            Method::PATCH,
            &one,
            Some(&editor),
            Some(json!({"name": "Launch v2", "text": "New words"})),
        )
        .await
        .expect(200);
    assert_eq!(
        (edited["name"].as_str(), edited["text"].as_str(), edited["first_comment"].as_str()),
        (Some("Launch v2"), Some("New words"), Some("More soon"))
    );
    let second = json!({"name": "Other", "text": "x", "platforms": ["twitter"]});
    let second = app.call(Method::POST, &path, Some(&editor), Some(second)).await.expect(201);
    let rename = json!({"name": "Launch v2"});
    let second_path = format!("{path}/{}", second["id"].as_str().unwrap());
    app.call(Method::PATCH, &second_path, Some(&editor), Some(rename))
        .await
        .expect_error(409, "name_taken");
    app.call(Method::DELETE, &one, Some(&editor), None).await.expect(204);
    app.call(Method::DELETE, &one, Some(&editor), None).await.expect_error(404, "not_found");
    let left = app.call(Method::GET, &path, Some(&viewer), None).await.expect(200);
    assert_eq!(left.as_array().unwrap().len(), 1);
}

async fn hashtag_groups_keep_their_tags_and_names_unique_per_workspace(app: TestApp) {
    let ws = app.create_workspace("tags", true, "expire").await;
    let (editor, viewer) = (app.token(&ws, "editor").await, app.token(&ws, "viewer").await);
    let path = format!("/api/workspaces/{ws}/hashtag-groups");
    let body = json!({"name": "Brand", "tags": ["#northwind", "weaving"]});
    let created =
        app.call(Method::POST, &path, Some(&editor), Some(body.clone())).await.expect(201);
    assert_eq!(created["tags"], json!(["#northwind", "#weaving"]));
    app.call(Method::POST, &path, Some(&editor), Some(body)).await.expect_error(409, "name_taken");
    let bad = json!({"name": "Bad", "tags": ["#ok", "#not ok"]});
    let r = app
        .call(Method::POST, &path, Some(&editor), Some(bad))
        .await
        .expect_error(422, "invalid_field");
    assert_eq!(r["error"]["details"]["field"], "tags.1");
    let one = format!("{path}/{}", created["id"].as_str().unwrap());
    let edited = app
        .call(Method::PATCH, &one, Some(&editor), Some(json!({"tags": ["#loom"]})))
        .await
        .expect(200);
    assert_eq!((edited["name"].as_str(), &edited["tags"]), (Some("Brand"), &json!(["#loom"])));
    app.call(Method::PATCH, &one, Some(&viewer), Some(json!({"tags": ["#x"]})))
        .await
        .expect_error(403, "forbidden");
    let listed = app.call(Method::GET, &path, Some(&viewer), None).await.expect(200);
    assert_eq!(listed, json!([edited]));
    app.call(Method::DELETE, &one, Some(&editor), None).await.expect(204);
    assert_eq!(app.call(Method::GET, &path, Some(&viewer), None).await.expect(200), json!([]));
}

async fn the_media_library_lists_uploads_with_their_use_and_refuses_deleting_one_in_use(
    app: TestApp,
) {
    let ws = app.create_workspace("library", true, "expire").await;
    let (editor, viewer) = (app.token(&ws, "editor").await, app.token(&ws, "viewer").await);
    let first = upload(&app, &ws, &editor, png(1)).await;
    let second = upload(&app, &ws, &editor, png(2)).await;
    let url = second["url"].as_str().unwrap();
    assert!(!url.starts_with(&app.url), "the default setup hosts it on Ayrshare's side: {url}");
    let again = upload(&app, &ws, &editor, png(2)).await;
    assert_eq!(again["url"], second["url"], "an identical upload is the same medium, same URL");

    let at = (Utc::now() + Duration::hours(3)).to_rfc3339();
    let body = json!({"text": "With a picture", "platforms": ["twitter"], "schedule_at": at,
                      "media": [{"url": url, "alt_text": "Two colours"}]});
    let post = app.create_post(&ws, &editor, body).await.expect(201);
    // The approver sees Herald's own copy, whoever hosts the URL.
    let preview = post["media"][0]["preview_url"].as_str().expect("Herald's copy");
    assert_eq!(preview, second["thumbnail_url"].as_str().unwrap().trim_start_matches(&app.url));
    let res = app.http.get(format!("{}{preview}", app.url)).send().await.unwrap();
    assert_eq!(
        (res.status().as_u16(), res.headers()["content-type"].to_str().unwrap()),
        (200, "image/jpeg")
    );

    let path = format!("/api/workspaces/{ws}/media");
    let page = app.call(Method::GET, &path, Some(&viewer), None).await.expect(200);
    let media = page["media"].as_array().unwrap();
    let ids: Vec<&str> = media.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [second["id"].as_str().unwrap(), first["id"].as_str().unwrap()],
        "newest first"
    );
    assert_eq!((media[0]["used_by"].as_i64(), media[1]["used_by"].as_i64()), (Some(1), Some(0)));
    assert_eq!(media[0]["bytes"], second["bytes"]);
    assert!(media[0]["thumbnail_url"].is_string());
    assert_eq!(media[0]["uploaded_by_name"].as_str().map(|n| n.starts_with("token")), Some(true));
    assert!(page["next_cursor"].is_null());

    let second_path = format!("{path}/{}", second["id"].as_str().unwrap());
    app.call(Method::DELETE, &second_path, Some(&viewer), None)
        .await
        .expect_error(403, "forbidden");
    app.call(Method::DELETE, &second_path, Some(&editor), None).await.expect_error(409, "in_use");
    let id = post["id"].as_str().unwrap();
    let path_post = format!("/api/workspaces/{ws}/posts/{id}");
    app.call(Method::DELETE, &path_post, Some(&editor), Some(json!({"version": post["version"]})))
        .await
        .expect(200);
    app.call(Method::DELETE, &second_path, Some(&editor), None).await.expect(204);
    app.call(Method::DELETE, &second_path, Some(&editor), None)
        .await
        .expect_error(404, "not_found");
    let page = app.call(Method::GET, &path, Some(&viewer), None).await.expect(200);
    assert_eq!(page["media"].as_array().unwrap().len(), 1);
    app.call(Method::GET, &format!("{path}?cursor=nonsense"), Some(&viewer), None)
        .await
        .expect_error(422, "invalid_field");
}
