//! Media (API.md "Media"): an image upload answers 201 with a `url` for `media_urls` and
//! a thumbnail Herald serves without credentials; what is not an image or video is 415
//! whatever it claims to be, a file over `HERALD_MEDIA_MAX_MB` is 413 (read no further
//! than the limit), a viewer may not upload, and a body that is not the form is a 4xx.

use crate::api::people::on_both_backends;
use crate::support::*;
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};
use std::io::Cursor;

on_both_backends!(an_image_upload_gives_a_url_to_publish_and_a_public_thumbnail);

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Vec::new();
    image.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

async fn upload(
    app: &TestApp,
    ws: &str,
    token: &str,
    name: &str,
    mime: &str,
    data: Vec<u8>,
) -> Reply {
    let part = Part::bytes(data).file_name(name.to_owned()).mime_str(mime).unwrap();
    let res = app
        .http
        .post(format!("{}/api/workspaces/{ws}/media", app.url))
        .bearer_auth(token)
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
}

async fn an_image_upload_gives_a_url_to_publish_and_a_public_thumbnail(app: TestApp) {
    let ws = app.create_workspace("media", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let file = png(800, 400);
    let media =
        upload(&app, &ws, &editor, "spring sale.png", "image/png", file.clone()).await.expect(201);
    assert_eq!(
        (media["content_type"].as_str(), media["width"].as_i64(), media["height"].as_i64()),
        (Some("image/png"), Some(800), Some(400))
    );
    assert_eq!(media["bytes"].as_u64(), Some(file.len() as u64));

    let thumbnail = media["thumbnail_url"].as_str().expect("an image has a thumbnail");
    let res = app.http.get(format!("{}{thumbnail}", app.url)).send().await.unwrap();
    assert_eq!(res.status(), 200, "served without credentials");
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let small = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
    assert_eq!((small.width(), small.height()), (320, 160));
    let own = thumbnail.trim_end_matches("/thumbnail");
    let res = app.http.get(format!("{}{own}", app.url)).send().await.unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), file.as_slice(), "the file as uploaded");

    let url = media["url"].as_str().unwrap();
    let body = json!({"text": "With a picture", "platforms": ["twitter"], "media_urls": [url]});
    let post = app.create_post(&ws, &editor, body).await.expect(201);
    assert_eq!(post["status"], "published", "{post}");
    let fetched = app.http.get(url).send().await.unwrap();
    assert_eq!(fetched.status(), 200, "the url is one Ayrshare can fetch");
}

#[tokio::test]
async fn what_is_not_an_image_or_video_is_415_and_an_oversized_file_413() {
    let app = spawn_app_with(Options { media_max_mb: Some(1), ..Options::default() }).await;
    let ws = app.create_workspace("media-bad", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let script =
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec();
    upload(&app, &ws, &editor, "x.png", "image/png", script)
        .await
        .expect_error(415, "unsupported_media_type");
    upload(&app, &ws, &editor, "doc.pdf", "application/pdf", b"%PDF-1.7 ...".to_vec())
        .await
        .expect_error(415, "unsupported_media_type");
    let big = vec![0u8; 1024 * 1024 + 1];
    upload(&app, &ws, &editor, "big.png", "image/png", big)
        .await
        .expect_error(413, "payload_too_large");
    let viewer = app.token(&ws, "viewer").await;
    upload(&app, &ws, &viewer, "a.png", "image/png", png(4, 4))
        .await
        .expect_error(403, "forbidden");
    let not_multipart = app
        .raw(
            Method::POST,
            &format!("/api/workspaces/{ws}/media"),
            &editor,
            "application/json",
            "{}",
        )
        .await;
    not_multipart.expect_error(400, "malformed_request");
    let wrong_field = Form::new().part("picture", Part::bytes(png(4, 4)).file_name("a.png"));
    let res = app
        .http
        .post(format!("{}/api/workspaces/{ws}/media", app.url))
        .bearer_auth(&editor)
        .multipart(wrong_field)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}

/// Found by the API fuzzing: Ayrshare refusing a request (here: a profile key it does not
/// know) was answered 502, as if Ayrshare were down; it is the request that cannot be
/// carried out, so it is 422 `upstream_refused` with Ayrshare's reason.
#[tokio::test]
async fn an_upload_ayrshare_refuses_is_422_with_its_reason_not_a_server_error() {
    let app = spawn_app().await;
    let body = json!({"name": "unknown-profile", "ayrshare_profile_key": "PROFILE-nobody-knows-0123456789"});
    let ws = app.call(Method::POST, "/api/workspaces", Some(ADMIN), Some(body)).await.expect(201);
    let ws = ws["id"].as_str().unwrap();
    let editor = app.token(ws, "editor").await;
    let refused = upload(&app, ws, &editor, "a.png", "image/png", png(8, 8)).await;
    let body = refused.expect_error(422, "upstream_refused");
    assert!(
        body["error"]["message"].as_str().unwrap().starts_with("Ayrshare refused this"),
        "{body}"
    );
}
