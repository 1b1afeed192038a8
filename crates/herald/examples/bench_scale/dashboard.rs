//! The dashboard read of the measured 1,000-post workspace (among 1,000,000 posts) on
//! three instances sharing Redis: a miss is the first read on another instance after an
//! acknowledged change (the workspace's tag moved, so the view is rebuilt from
//! PostgreSQL and the cached Ayrshare snapshot), a hit is a read with nothing changed.
//! The reference, in the same run: the same answer's bytes served from memory by a bare
//! axum server, read by the same client.

use crate::cluster::{percentiles, Instance};
use axum::body::Bytes;
use reqwest::Method;
use serde_json::json;
use std::time::Instant;

const ROUNDS: usize = 200;
const READ: &str = "history?limit=1000";

pub async fn run(instances: &[Instance], http: &reqwest::Client, ws: &str) {
    let token = instances[0].token(http, ws, "admin").await;
    let history = |i: usize| format!("{}/api/workspaces/{ws}/{READ}", instances[i % 3].url);
    let draft = json!({"text": "bench draft 0", "platforms": ["linkedin"]});
    let posts = format!("/api/workspaces/{ws}/posts");
    let post = instances[0].call(http, Method::POST, &posts, &token, Some(draft)).await;
    let path = format!("{posts}/{}", post["id"].as_str().unwrap());
    let mut version = post["version"].as_i64().unwrap();
    let (mut misses, mut first_hits, mut hits) = (Vec::new(), Vec::new(), Vec::new());
    let mut body = Bytes::new();
    for round in 0..ROUNDS {
        let edit = json!({"text": format!("bench draft {}", round + 1), "version": version});
        let edited =
            instances[round % 3].call(http, Method::PATCH, &path, &token, Some(edit)).await;
        version = edited["version"].as_i64().unwrap();
        for i in 1..=3 {
            let (ms, source, bytes) = read(http, &history(round + i), &token).await;
            match source.as_str() {
                "miss" => misses.push(ms),
                "hit" => first_hits.push(ms),
                other => panic!("a read answered {other}: is Redis up?"),
            }
            body = bytes;
        }
        assert!(misses.len() > round, "the first read after a change was not a miss");
        for i in 0..3 {
            let (ms, source, _) = read(http, &history(round + i), &token).await;
            assert_eq!(source, "hit", "a second read with nothing changed");
            hits.push(ms);
        }
    }
    let reference = reference(body.clone()).await;
    let mut floor = Vec::new();
    for _ in 0..ROUNDS * 3 {
        let start = Instant::now();
        http.get(&reference).send().await.unwrap().bytes().await.unwrap();
        floor.push(start.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "\n== dashboard read, 1,000-post workspace among 1,000,000 posts, 3 instances on Redis"
    );
    println!(
        "answer {} KB uncompressed; {ROUNDS} changes, each read on all 3 instances, then again",
        body.len() / 1024
    );
    let floor = percentiles(&mut floor);
    row("reference (same bytes from memory)", floor, floor.0);
    row("hit", percentiles(&mut hits), floor.0);
    row("miss (first read after a change)", percentiles(&mut misses), floor.0);
    if !first_hits.is_empty() {
        row("hit (first read, another built it)", percentiles(&mut first_hits), floor.0);
    }
}

fn row(name: &str, (p50, p99, max): (f64, f64, f64), floor: f64) {
    println!(
        "{name:<38} p50 {p50:>8.3} ms  p99 {p99:>8.3} ms  max {max:>8.3} ms  p50/ref {:>6.1}",
        p50 / floor
    );
}

/// One uncompressed read: milliseconds, `X-Cache`, body.
async fn read(http: &reqwest::Client, url: &str, token: &str) -> (f64, String, Bytes) {
    let start = Instant::now();
    let res = http.get(url).bearer_auth(token).send().await.unwrap();
    assert!(res.status().is_success(), "{url}: {}", res.status());
    let source = res.headers()["x-cache"].to_str().unwrap().to_owned();
    let body = res.bytes().await.unwrap();
    (start.elapsed().as_secs_f64() * 1e3, source, body)
}

/// A bare axum server answering every request with `body`; its URL.
async fn reference(body: Bytes) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let json = [(axum::http::header::CONTENT_TYPE, "application/json")];
    let app = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move { (json, body) }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}
