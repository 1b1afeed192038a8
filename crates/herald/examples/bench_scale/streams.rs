//! 2,000 open event streams on one instance: the streams are held by a child process
//! (this program again, `stream-client`), so this process's memory growth is the
//! server's alone; 100 tokens hold 20 streams each (the per-caller cap). Twenty posts
//! are then made through *another* instance, one every 200 ms; for each, the time from
//! its acknowledgement (the 201 read here) to its `post` event on each of the 2,000
//! streams (wall clock, one machine). Figures: memory per open stream, and p50/p99/max
//! of those 40,000 delays and of each write's slowest stream.

use crate::cluster::{percentiles, Instance};
use futures::StreamExt;
use reqwest::Method;
use serde_json::json;
use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt, BufReader};

const TOKENS: usize = 100;
const PER_TOKEN: usize = 20;
const WRITES: usize = 20;

pub async fn run(instances: &[Instance], http: &reqwest::Client, ws: &str) {
    let mut tokens = Vec::new();
    for _ in 0..TOKENS {
        tokens.push(instances[0].token(http, ws, "viewer").await);
    }
    let writer = instances[1].token(http, ws, "editor").await;
    let before = resident_kib();
    let mut child = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args(["stream-client", &instances[0].url, ws, &tokens.join(","), &PER_TOKEN.to_string()])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("ready"));
    tokio::time::sleep(Duration::from_secs(2)).await; // let the allocator settle before sampling
    let after = resident_kib();
    let streams = TOKENS * PER_TOKEN;
    let mut acks = HashMap::new();
    let path = format!("/api/workspaces/{ws}/posts");
    for i in 0..WRITES {
        let body = json!({"text": format!("stream bench {i}"), "platforms": ["linkedin"]});
        let post = instances[1].call(http, Method::POST, &path, &writer, Some(body)).await;
        acks.insert(post["id"].as_str().unwrap().to_owned(), micros_now());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut delays = Vec::new();
    let mut slowest: HashMap<String, f64> = HashMap::new();
    let mut early = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while delays.len() < streams * WRITES {
        let line = tokio::time::timeout_at(deadline, lines.next_line()).await;
        let Ok(Ok(Some(line))) = line else { break };
        let Some((id, at)) = line.split_once(' ') else { continue };
        let Some(ack) = acks.get(id) else { continue };
        let delay = (at.parse::<i64>().unwrap() - ack) as f64 / 1e3;
        early += usize::from(delay < 0.0);
        delays.push(delay.max(0.0));
        let worst = slowest.entry(id.to_owned()).or_default();
        *worst = worst.max(delay);
    }
    child.kill().await.ok();
    println!("\n== {streams} open event streams on one instance, writes through another");
    println!(
        "resident memory {:.1} MiB → {:.1} MiB: {:.1} KiB per open stream",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after - before) as f64 / streams as f64
    );
    println!(
        "events received {} of {} ({early} before the writer had read its 201)",
        delays.len(),
        streams * WRITES
    );
    let (p50, p99, max) = percentiles(&mut delays);
    println!("ack → event, every stream: p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms");
    let mut worst: Vec<f64> = slowest.into_values().collect();
    let (p50, p99, max) = percentiles(&mut worst);
    println!("ack → event on the last stream, per write: p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms");
}

fn micros_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_micros() as i64
}

/// This process's resident set (Linux `/proc/self/status`), in KiB.
fn resident_kib() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The child: opens `per_token` streams per token, prints `ready` once every one is
/// open, then `<post id> <arrival µs>` for every `post` event on every stream.
pub async fn client(args: &[String]) {
    let [url, ws, tokens, per_token] = args else { panic!("stream-client URL WS TOKENS N") };
    let per_token: usize = per_token.parse().unwrap();
    let http = reqwest::Client::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let opens = tokens.split(',').flat_map(|t| std::iter::repeat_n(t.to_owned(), per_token));
    let opened: Vec<reqwest::Response> = futures::stream::iter(opens)
        .map(|token| {
            let req = http.get(format!("{url}/api/workspaces/{ws}/events")).bearer_auth(token);
            async move { req.send().await.unwrap() }
        })
        .buffer_unordered(64)
        .collect()
        .await;
    assert!(opened.iter().all(|r| r.status() == 200), "a stream was refused");
    for response in opened {
        tokio::spawn(read_events(response, tx.clone()));
    }
    println!("ready");
    while let Some(line) = rx.recv().await {
        println!("{line}");
    }
}

async fn read_events(response: reqwest::Response, tx: tokio::sync::mpsc::UnboundedSender<String>) {
    let mut body = response.bytes_stream();
    let mut buffer = String::new();
    while let Some(Ok(chunk)) = body.next().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            let field = |f: &str| event.lines().find_map(|l| l.strip_prefix(f)).map(str::trim);
            if field("event:") != Some("post") {
                continue;
            }
            let data = field("data:").unwrap_or("{}");
            let post: serde_json::Value = serde_json::from_str(data).unwrap_or_default();
            if let Some(id) = post["id"].as_str() {
                let _ = tx.send(format!("{id} {}", micros_now()));
            }
        }
    }
}
