//! The dashboard read on the wire: compression by `Accept-Encoding` with an ETag per
//! representation, the head-only read live pages use (`?limit=0`), what a change costs
//! an open dashboard in bytes, and one Redis round trip per hit on the shared tier.

use crate::support::*;
use futures::StreamExt;
use reqwest::header::{HeaderMap, ACCEPT_ENCODING, IF_NONE_MATCH};
use serde_json::json;
use std::io::Read;
use std::time::Duration;

/// GET the history with `accept` and `if_none_match`: status, headers, raw body bytes.
async fn get(
    app: &TestApp,
    ws: &str,
    token: &str,
    query: &str,
    accept: Option<&str>,
    if_none_match: Option<&str>,
) -> (u16, HeaderMap, Vec<u8>) {
    let mut req = app.http.get(format!("{}/api/workspaces/{ws}/history{query}", app.url));
    req = req.bearer_auth(token);
    if let Some(a) = accept {
        req = req.header(ACCEPT_ENCODING, a);
    }
    if let Some(tag) = if_none_match {
        req = req.header(IF_NONE_MATCH, tag);
    }
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    (status, headers, res.bytes().await.unwrap().to_vec())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).map_or("", |v| v.to_str().unwrap())
}

/// A workspace with `n` drafts of some length, and an editor token.
async fn workspace_with_posts(app: &TestApp, name: &str, n: usize) -> (String, String) {
    let ws = app.create_workspace(name, true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    for i in 0..n {
        let text = format!("Draft number {i} about the spring collection, with a few more words.");
        let body = json!({"text": text, "platforms": ["linkedin", "facebook"], "submit": false});
        app.create_post(&ws, &editor, body).await.expect(201);
    }
    (ws, editor)
}

#[tokio::test]
async fn answers_are_compressed_by_accept_encoding_with_an_etag_per_representation() {
    let app = spawn_app().await;
    let (ws, editor) = workspace_with_posts(&app, "wire", 30).await;
    let (status, plain_h, plain) = get(&app, &ws, &editor, "", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(header(&plain_h, "vary"), "accept-encoding");
    assert_eq!(header(&plain_h, "content-encoding"), "");
    let mut seen = vec![header(&plain_h, "etag").to_owned()];
    for (accept, coding) in [
        ("gzip, deflate, br, zstd", "br"),
        ("br;q=0.5, zstd;q=0.9, gzip", "gzip"),
        ("zstd, gzip;q=0.5", "zstd"),
        ("deflate", ""),
    ] {
        let (status, h, body) = get(&app, &ws, &editor, "", Some(accept), None).await;
        assert_eq!((status, header(&h, "content-encoding")), (200, coding), "{accept}");
        assert_eq!(header(&h, "x-cache"), "hit");
        let decoded = match coding {
            "br" => {
                let mut out = vec![];
                brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap();
                out
            }
            "zstd" => zstd::decode_all(&body[..]).unwrap(),
            "gzip" => {
                let mut out = vec![];
                flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut out).unwrap();
                out
            }
            _ => body.clone(),
        };
        assert_eq!(decoded, plain, "{accept}: the same answer");
        if !coding.is_empty() {
            assert!(
                body.len() * 100 <= plain.len() * 15,
                "{coding}: {} of {}",
                body.len(),
                plain.len()
            );
            let etag = header(&h, "etag").to_owned();
            assert!(!seen.contains(&etag), "{coding} has its own tag");
            seen.push(etag.clone());
            let again = get(&app, &ws, &editor, "", Some(accept), Some(&etag)).await;
            assert_eq!(again.0, 304, "{coding}: its own tag gives 304");
        }
    }
    let other = get(&app, &ws, &editor, "", Some("br"), Some(&seen[0])).await;
    assert_eq!(other.0, 200, "another representation's tag is not a match");

    // Other JSON answers are compressed by the layer; one already encoded is not twice.
    let res = app
        .http
        .get(format!("{}/api/workspaces/{ws}/posts?limit=30", app.url))
        .bearer_auth(&editor)
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(header(res.headers(), "content-encoding"), "gzip");
}

#[tokio::test]
async fn the_head_alone_is_tagged_by_counts_and_freshness() {
    let app = spawn_app().await;
    let (ws, editor) = workspace_with_posts(&app, "head", 3).await;
    let (status, h, body) = get(&app, &ws, &editor, "?limit=0", None, None).await;
    let head: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, head["counts"]["total"].as_i64()), (200, Some(3)));
    assert_eq!(head["posts"], json!([]));
    let etag = header(&h, "etag").to_owned();

    // An edit that changes no count: the head is unchanged, so 304.
    let posts = app
        .call(reqwest::Method::GET, &format!("/api/workspaces/{ws}/posts"), Some(&editor), None)
        .await
        .expect(200);
    let first = &posts["posts"][0];
    let path = format!("/api/workspaces/{ws}/posts/{}", first["id"].as_str().unwrap());
    let edit = json!({"version": first["version"], "text": "edited, same counts"});
    app.call(reqwest::Method::PATCH, &path, Some(&editor), Some(edit)).await.expect(200);
    assert_eq!(get(&app, &ws, &editor, "?limit=0", None, Some(&etag)).await.0, 304);

    // A new post changes the counts: a new head.
    let body = json!({"text": "one more", "platforms": ["linkedin"], "submit": false});
    app.create_post(&ws, &editor, body).await.expect(201);
    let (status, _, body) = get(&app, &ws, &editor, "?limit=0", None, Some(&etag)).await;
    let head: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, head["counts"]["total"].as_i64()), (200, Some(4)));
}

/// Bytes of a response's status line and headers as sent.
fn head_bytes(headers: &HeaderMap) -> usize {
    let fields: usize = headers.iter().map(|(n, v)| n.as_str().len() + v.len() + 4).sum();
    "HTTP/1.1 200 OK\r\n".len() + fields + 2
}

#[tokio::test]
async fn a_change_costs_an_open_dashboard_at_most_4_kb() {
    let app = spawn_app().await;
    let (ws, editor) = workspace_with_posts(&app, "bytes", 100).await;
    let full = get(&app, &ws, &editor, "?limit=1000", None, None).await;
    assert!(full.2.len() > 40_000, "a dashboard worth measuring: {} B", full.2.len());
    let res = app
        .http
        .get(format!("{}/api/workspaces/{ws}/events", app.url))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    let mut stream = res.bytes_stream();
    let mut head_etag =
        header(&get(&app, &ws, &editor, "?limit=0", None, None).await.1, "etag").to_owned();
    let changes = 6;
    let mut received = 0;
    for i in 0..changes {
        let text =
            format!("a live change {i} with a realistic amount of text in it, like a real post");
        let body = json!({"text": text, "platforms": ["linkedin", "facebook"], "submit": false});
        app.create_post(&ws, &editor, body).await.expect(201);
        // What the page does: the `post` event is applied as it is; the `history` event
        // makes one head-only read.
        let mut seen = String::new();
        while !seen.contains("event: history") {
            let chunk = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
            let chunk = chunk.expect("events arrive").unwrap().unwrap();
            received += chunk.len();
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
        let accept = Some("gzip, deflate, br, zstd");
        let (_, h, body) = get(&app, &ws, &editor, "?limit=0", accept, Some(&head_etag)).await;
        head_etag = header(&h, "etag").to_owned();
        received += head_bytes(&h) + body.len();
    }
    let per_change = received / changes;
    eprintln!(
        "an open dashboard received {per_change} B per change (the whole history: {} B)",
        full.2.len()
    );
    assert!(per_change <= 4096, "{per_change} B per change");
}

#[tokio::test]
async fn a_hit_on_the_redis_tier_costs_no_round_trip_under_the_read_lease() {
    let test = "a_hit_on_the_redis_tier_costs_no_round_trip_under_the_read_lease";
    let Some(url) = test_redis_url(test) else { return };
    let app = spawn_app_with(Options { redis_url: Some(url), ..Options::default() }).await;
    let (ws, editor) = workspace_with_posts(&app, "leased", 2).await;
    let cache = app.dashboard.cache();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !cache.metrics().read_lease_held {
        assert!(tokio::time::Instant::now() < deadline, "no read lease: {:?}", cache.metrics());
        tokio::time::sleep(Duration::from_millis(10)).await; // state with no event to await
    }
    for _ in 0..2 {
        get(&app, &ws, &editor, "", None, None).await; // fills, then learns the versions
    }
    let before = cache.metrics();
    let (status, h, _) = get(&app, &ws, &editor, "", None, None).await;
    assert_eq!((status, header(&h, "x-cache")), (200, "hit"));
    let after = cache.metrics();
    assert_eq!(after.version_round_trips - before.version_round_trips, 0, "no MGET at all");
    assert_eq!(after.hits - before.hits, 4, "token, workspace, history and view, all hits");
    assert_eq!(after.lease_reads - before.lease_reads, 4, "each resolved from memory");
}

#[tokio::test]
async fn without_a_read_lease_a_hit_on_the_redis_tier_costs_one_round_trip() {
    let test = "without_a_read_lease_a_hit_on_the_redis_tier_costs_one_round_trip";
    let Some(url) = test_redis_url(test) else { return };
    let opts = Options { redis_url: Some(url), read_lease_ms: 0, ..Options::default() };
    let app = spawn_app_with(opts).await;
    let (ws, editor) = workspace_with_posts(&app, "trips", 2).await;
    for _ in 0..2 {
        get(&app, &ws, &editor, "", None, None).await; // fills, then learns the profile
    }
    let cache = app.dashboard.cache();
    let before = cache.metrics();
    let (status, h, _) = get(&app, &ws, &editor, "", None, None).await;
    assert_eq!((status, header(&h, "x-cache")), (200, "hit"));
    let after = cache.metrics();
    assert_eq!(after.version_round_trips - before.version_round_trips, 1, "one MGET in all");
    assert_eq!(after.hits - before.hits, 4, "token, workspace, history and view, all hits");
}
