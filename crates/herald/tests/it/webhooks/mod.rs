//! Outgoing webhooks (API.md "Integrations"): every event type delivered and verified
//! by the Standard Webhooks specification's own package (PyPI `standardwebhooks`, run by
//! `tests/webhook_receiver.py`), retries with one `webhook-id`, exactly one delivery per
//! event across three instances, and the SSRF guard. Without python3 and the package a
//! test says `skipped: no standardwebhooks`.

mod comments;
mod delivery;
mod guard;

use crate::support::services::skipped;
use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

/// The receiver script, verifying with the specification's package.
pub struct Receiver {
    pub url: String,
    dir: tempfile::TempDir,
    lines: mpsc::UnboundedReceiver<Value>,
    /// Every request heard so far, in arrival order.
    pub heard: Vec<Value>,
    _child: tokio::process::Child,
}

impl Receiver {
    /// Starts the receiver; `None` (after saying `skipped: no standardwebhooks`) when
    /// python3 or the package is missing.
    pub async fn start(test: &str) -> Option<Receiver> {
        let probe = std::process::Command::new("python3")
            .args(["-c", "import standardwebhooks"])
            .stderr(Stdio::null())
            .status();
        if !probe.is_ok_and(|s| s.success()) {
            skipped(test, "no standardwebhooks (pip install standardwebhooks)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/webhook_receiver.py");
        let mut child = tokio::process::Command::new("python3")
            .arg(script)
            .arg(dir.path())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 starts");
        let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = out.next_line().await.unwrap().expect("the receiver says its port");
        let port = first.strip_prefix("PORT ").expect("PORT line").to_owned();
        let (tx, lines) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok(Some(line)) = out.next_line().await {
                let _ = tx.send(serde_json::from_str(&line).unwrap_or(Value::Null));
            }
        });
        let url = format!("http://127.0.0.1:{port}/hook");
        Some(Receiver { url, dir, lines, heard: Vec::new(), _child: child })
    }

    /// The secret the receiver verifies with.
    pub fn set_secret(&self, secret: &str) {
        std::fs::write(self.dir.path().join("secret"), secret).unwrap();
    }

    /// While on, every request is answered 503.
    pub fn fail(&self, on: bool) {
        let path = self.dir.path().join("fail");
        if on {
            std::fs::write(path, "").unwrap();
        } else {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Collects requests until `done` holds for all heard so far, or `within` passed;
    /// whether it held.
    pub async fn until(&mut self, within: Duration, done: impl Fn(&[Value]) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        while !done(&self.heard) {
            match tokio::time::timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(line)) => self.heard.push(line),
                _ => return false,
            }
        }
        true
    }

    /// The requests heard of type `t`.
    pub fn of_type(&self, t: &str) -> Vec<&Value> {
        self.heard.iter().filter(|r| r["type"] == t).collect()
    }
}

/// Registers an endpoint (as the global admin); its id and secret.
pub async fn register(app: &TestApp, ws: &str, url: &str, events: &[&str]) -> (String, String) {
    let path = format!("/api/workspaces/{ws}/webhooks");
    let body = json!({"url": url, "events": events});
    let created = app.call(Method::POST, &path, Some(ADMIN), Some(body)).await.expect(201);
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{created}");
    (created["id"].as_str().unwrap().to_owned(), secret)
}

/// The endpoint's delivery log.
pub async fn deliveries(app: &TestApp, ws: &str, id: &str) -> Vec<Value> {
    let path = format!("/api/workspaces/{ws}/webhooks/{id}/deliveries");
    let log = app.call(Method::GET, &path, Some(ADMIN), None).await.expect(200);
    log.as_array().unwrap().clone()
}

/// Waits until the endpoint's log satisfies `done`; the log then.
pub async fn log_until(
    app: &TestApp,
    ws: &str,
    id: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    for _ in 0..300 {
        let log = deliveries(app, ws, id).await;
        if done(&log) {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the delivery log never got there: {:?}", deliveries(app, ws, id).await);
}
