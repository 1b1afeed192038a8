//! What a change costs an open dashboard on the wire: an event-stream client that does
//! what the page does, counting every byte it receives (the stream, and the status
//! line, headers and body of each refetch).
//!
//! * `deltas` (the page now): a `post` event is applied to the list as it is, and a
//!   `history` event makes one head-only refetch (`?limit=0`, `If-None-Match`), 304 when
//!   counts and freshness did not change.
//! * `refetch` (the page before): every `post` and `history` event re-read the whole
//!   history (`?limit=1000`), uncompressed as the server answered then.

use super::app::Herald;
use futures::StreamExt;
use reqwest::header::{HeaderMap, IF_NONE_MATCH};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Deltas,
    Refetch,
}

/// Bytes of a response's status line and headers as sent (HTTP/1.1).
fn head_bytes(status: reqwest::StatusCode, headers: &HeaderMap) -> u64 {
    let line = 9 + 3 + 1 + status.canonical_reason().unwrap_or("").len() + 2;
    let fields: usize = headers.iter().map(|(n, v)| n.as_str().len() + 2 + v.len() + 2).sum();
    (line + fields + 2) as u64
}

/// Average bytes one open dashboard receives per change, over `changes` changes
/// (alternately a new draft and an edit of its text), and how many refetches it made.
pub async fn per_change(
    h: &Herald,
    ws: &str,
    token: &str,
    protocol: Protocol,
    changes: u64,
) -> (f64, u64) {
    let received = Arc::new(AtomicU64::new(0));
    let events = h.http.get(format!("{}/api/workspaces/{ws}/events", h.url)).bearer_auth(token);
    let stream = events.send().await.unwrap();
    assert!(stream.status().is_success());
    let (tx, mut names) = mpsc::unbounded_channel::<String>();
    let counted = received.clone();
    let reader = tokio::spawn(async move {
        let (mut bytes, mut buf) = (stream.bytes_stream(), String::new());
        while let Some(Ok(chunk)) = bytes.next().await {
            counted.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let event: String = buf.drain(..end + 2).collect();
                if let Some(name) = event.lines().find_map(|l| l.strip_prefix("event:")) {
                    let _ = tx.send(name.trim().to_owned());
                }
            }
        }
    });
    let url = |limit: u32| format!("{}/api/workspaces/{ws}/history?limit={limit}", h.url);
    let mut head_etag = String::new();
    let first = h.http.get(url(0)).bearer_auth(token).send().await.unwrap();
    head_etag.push_str(first.headers()["etag"].to_str().unwrap());
    let (mut post_id, mut version, mut refetches) = (String::new(), 0, 0);
    let start = received.load(Ordering::Relaxed);
    for i in 0..changes {
        if i % 2 == 0 {
            let post = h.post(ws, token, format!("live change {i}"), false).await;
            post_id = post["id"].as_str().unwrap().to_owned();
            version = post["version"].as_i64().unwrap();
        } else {
            let path = format!("/api/workspaces/{ws}/posts/{post_id}");
            let body = serde_json::json!({"version": version, "text": format!("edited {i}")});
            let post = h.call(reqwest::Method::PATCH, &path, token, Some(body)).await;
            version = post["version"].as_i64().unwrap();
        }
        // Each change sends `post` then `history`; handle both as the page would.
        for _ in 0..2 {
            let name = names.recv().await.expect("the event stream is open");
            let refetch = match (protocol, name.as_str()) {
                (Protocol::Deltas, "history") => Some(url(0)),
                (Protocol::Refetch, "post" | "history") => Some(url(1000)),
                _ => None,
            };
            let Some(refetch) = refetch else { continue };
            let mut req = h.http.get(refetch).bearer_auth(token);
            if protocol == Protocol::Deltas {
                req = req
                    .header(IF_NONE_MATCH, &head_etag)
                    .header("accept-encoding", "gzip, deflate, br, zstd");
            }
            let res = req.send().await.unwrap();
            let head = head_bytes(res.status(), res.headers());
            if let Some(etag) = res.headers().get("etag") {
                head_etag = etag.to_str().unwrap().to_owned();
            }
            let body = res.bytes().await.unwrap().len() as u64;
            received.fetch_add(head + body, Ordering::Relaxed);
            refetches += 1;
        }
    }
    let total = received.load(Ordering::Relaxed) - start;
    reader.abort();
    (total as f64 / changes as f64, refetches)
}
