//! Media (API.md "Media"): an image upload answers 201 with a `url` for `media_urls` and
//! a thumbnail Herald serves without credentials; what is not an image or video is 415
//! whatever it claims to be, a file over `HERALD_MEDIA_MAX_MB` is 413 (read no further
//! than the limit), a viewer may not upload, and a body that is not the form is a 4xx.
//! Files are served in byte ranges; a workspace's media stay within its quota, and an
//! identical upload is the medium already stored.

use crate::api::media_bounds::fake_mp4;
use crate::api::people::on_both_backends;
use crate::support::*;
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};
use std::io::Cursor;

on_both_backends!(
    an_image_upload_gives_a_url_to_publish_and_a_public_thumbnail,
    a_medium_is_served_in_byte_ranges_with_its_security_headers_and_etag,
);

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
    let jpeg = res.bytes().await.unwrap();
    let small = image::load_from_memory(&jpeg).unwrap();
    assert_eq!((small.width(), small.height()), (320, 160));
    let head = get(&app, thumbnail, &[("range", "bytes=0-9")]).await;
    assert_eq!(head.status(), 206, "a thumbnail is served in ranges too");
    assert_eq!(head.bytes().await.unwrap().as_ref(), &jpeg[..10]);
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

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.http.get(format!("{}{path}", app.url));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().await.unwrap()
}

async fn a_medium_is_served_in_byte_ranges_with_its_security_headers_and_etag(app: TestApp) {
    let ws = app.create_workspace("ranges", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let file = fake_mp4(600_000, 3);
    let media = upload(&app, &ws, &editor, "clip.mp4", "video/mp4", file.clone()).await.expect(201);
    let path = format!("/media/{ws}/{}", media["id"].as_str().unwrap());

    let whole = get(&app, &path, &[]).await;
    assert_eq!(whole.status(), 200);
    let h = whole.headers().clone();
    assert_eq!(h["accept-ranges"], "bytes");
    assert_eq!(h["content-type"], "video/mp4");
    assert_eq!(h["content-length"], "600000");
    assert_eq!(h["content-security-policy"], "default-src 'none'; sandbox");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["content-disposition"], "inline");
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(whole.bytes().await.unwrap().as_ref(), file.as_slice());

    let etag = h["etag"].to_str().unwrap().to_owned();
    let cached = get(&app, &path, &[("if-none-match", &etag)]).await;
    assert_eq!(cached.status(), 304, "the client's copy is current");

    let ranges = [("bytes=262100-262200", 262_100, 262_200), ("bytes=-10", 599_990, 599_999)];
    let ranges = ranges.into_iter().chain([("bytes=599990-", 599_990, 599_999)]);
    for (range, first, last) in ranges.chain([("bytes=0-0", 0, 0)]) {
        let part = get(&app, &path, &[("range", range)]).await;
        assert_eq!(part.status(), 206, "{range}");
        let expected = format!("bytes {first}-{last}/600000");
        assert_eq!(part.headers()["content-range"], expected.as_str(), "{range}");
        assert_eq!(part.headers()["content-security-policy"], "default-src 'none'; sandbox");
        let body = part.bytes().await.unwrap();
        assert_eq!(body.as_ref(), &file[first..=last], "{range}");
    }
    for range in ["bytes=600000-", "bytes=700000-800000"] {
        let refused = get(&app, &path, &[("range", range)]).await;
        assert_eq!(refused.status(), 416, "{range}");
        assert_eq!(refused.headers()["content-range"], "bytes */600000", "{range}");
    }
    let other = app.create_workspace("ranges-other", false, "expire").await;
    let foreign = path.replace(&ws, &other);
    assert_eq!(get(&app, &foreign, &[("range", "bytes=0-9")]).await.status(), 404);
}

/// An app with a 1 MiB media quota serving its own media URLs, on SQLite or on a fresh
/// PostgreSQL database (`None` when no test database is set).
async fn app_with_quota(postgres_test: Option<&str>) -> Option<TestApp> {
    let database = match postgres_test {
        Some(test) => Some(crate::support::test_database_url(test).await?),
        None => None,
    };
    let options = Options {
        media_quota_mb: Some(1),
        public_url_is_self: true,
        database,
        ..Options::default()
    };
    Some(spawn_app_with(options).await)
}

macro_rules! with_quota_on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let app = super::app_with_quota(None).await.expect("a SQLite app");
                super::$name(app).await;
            }

            #[tokio::test]
            async fn postgres() {
                let test = concat!(module_path!(), "::postgres");
                let Some(app) = super::app_with_quota(Some(test)).await else { return };
                super::$name(app).await;
            }
        }
    )*};
}

with_quota_on_both_backends!(
    an_upload_past_the_workspace_quota_is_413_and_an_identical_upload_costs_nothing,
    concurrent_uploads_never_take_a_workspace_past_its_quota,
);

async fn an_upload_past_the_workspace_quota_is_413_and_an_identical_upload_costs_nothing(
    app: TestApp,
) {
    let ws = app.create_workspace("quota", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let first = fake_mp4(600_000, 1);
    let stored = upload(&app, &ws, &editor, "a.mp4", "video/mp4", first.clone()).await.expect(201);
    let again = upload(&app, &ws, &editor, "copy.mp4", "video/mp4", first).await.expect(201);
    assert_eq!(again["id"], stored["id"], "the same bytes are the medium already stored");
    assert_eq!(again["url"], stored["url"]);

    let body = upload(&app, &ws, &editor, "b.mp4", "video/mp4", fake_mp4(600_000, 2))
        .await
        .expect_error(413, "quota_exceeded");
    assert_eq!(body["error"]["details"]["quota_bytes"].as_u64(), Some(1 << 20), "{body}");
    upload(&app, &ws, &editor, "c.mp4", "video/mp4", fake_mp4(400_000, 3)).await.expect(201);

    let other = app.create_workspace("quota-other", false, "expire").await;
    let their_editor = app.token(&other, "editor").await;
    let theirs = fake_mp4(600_000, 2);
    upload(&app, &other, &their_editor, "b.mp4", "video/mp4", theirs).await.expect(201);
}

async fn concurrent_uploads_never_take_a_workspace_past_its_quota(app: TestApp) {
    let ws = app.create_workspace("quota-race", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let uploads = (0..16u8).map(|i| {
        let (app, ws, editor) = (&app, &ws, &editor);
        async move { upload(app, ws, editor, "f.mp4", "video/mp4", fake_mp4(100_000, i)).await }
    });
    let replies = futures::future::join_all(uploads).await;
    let mut stored = 0;
    for reply in replies {
        match reply.status.as_u16() {
            201 => stored += 1,
            _ => drop(reply.expect_error(413, "quota_exceeded")),
        }
    }
    // 10 files of 100,000 bytes fit in 1 MiB, an 11th does not.
    assert_eq!(stored, 10, "stored {stored} files of 100,000 bytes under a quota of 1 MiB");
}
