//! `spawn_app`: the real Herald in-process on port 0 with a fresh SQLite file, talking
//! real HTTP to a recorded simulator ([`crate::sim`]), plus request helpers. Adapted from
//! `tests/api/helpers.rs` (test binaries do not share code).

use crate::sim::RecordedSim;
use ayrshare_sim::SimConfig;
use herald::config::ServeArgs;
use herald::secret::Secret;
use herald::startup::Application;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::oneshot;

pub const ADMIN: &str = "reliability-admin-token-0123456789";
pub const CRON: &str = "reliability-cron-secret-0123456789";
pub const SIM_KEY: &str = "RELIABILITY-SIM-KEY-0123456789";

/// The profile key a workspace named `name` is created with.
pub fn profile_key(name: &str) -> String {
    format!("PROFILE-{name}-0123456789abcdef")
}

pub struct Options {
    pub sim: SimConfig,
    pub lease_secs: u64,
    /// Herald's Ayrshare client timeout (`HERALD_AYRSHARE_TIMEOUT_MS`).
    pub ayrshare_timeout_ms: u64,
    pub backoff_ms: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            sim: SimConfig::default(),
            lease_secs: 60,
            ayrshare_timeout_ms: 5_000,
            backoff_ms: 5,
        }
    }
}

pub struct TestApp {
    pub url: String,
    pub http: reqwest::Client,
    pub sim: RecordedSim,
    pub scheduler: herald::scheduler::Scheduler,
    pub lease: Duration,
    _db: tempfile::TempDir,
    _stop: oneshot::Sender<()>,
}

pub async fn spawn_app(opts: Options) -> TestApp {
    let timeout = Duration::from_millis(opts.ayrshare_timeout_ms);
    let sim =
        RecordedSim::spawn(SimConfig { api_key: Some(SIM_KEY.into()), ..opts.sim }, timeout).await;
    let db = tempfile::tempdir().expect("temp dir");
    let mut args = ServeArgs::for_tests(db.path().join("herald.db").to_str().unwrap());
    args.admin_token = Some(Secret::new(ADMIN));
    args.cron_secret = Some(Secret::new(CRON));
    args.ayrshare.ayrshare_api_key = Some(Secret::new(SIM_KEY));
    args.ayrshare.ayrshare_base_url = sim.base_url();
    args.ayrshare.ayrshare_timeout_ms = opts.ayrshare_timeout_ms;
    args.scheduler_interval_ms = 0;
    args.publish.publish_backoff_ms = opts.backoff_ms;
    args.publish.publish_lease_secs = opts.lease_secs;
    args.cache.redis_url = None;
    args.cache.cache_namespace = format!("herald-reliability-{}", uuid::Uuid::new_v4().simple());
    let app = Application::build(args).await.expect("app builds");
    let url = format!("http://{}", app.local_addr());
    let scheduler = app.state().scheduler.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    TestApp {
        url,
        http,
        sim,
        scheduler,
        lease: Duration::from_secs(opts.lease_secs),
        _db: db,
        _stop: stop,
    }
}

/// A response: status, raw text and JSON body (Null when empty or not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub text: String,
    pub body: Value,
}

impl Reply {
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text);
        self.body
    }

    /// The API.md error body: `{"error": {"code", "message", "details"}}`.
    pub fn is_error_body(&self, code: &str) -> bool {
        let e = &self.body["error"];
        e["code"] == code && e["message"].is_string() && e["details"].is_object()
    }
}

/// Sends one request to `base` + `path`. An event stream is not read (it never ends).
pub async fn send(
    http: &reqwest::Client,
    base: &str,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> reqwest::Result<Reply> {
    let mut req = http.request(method, format!("{base}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    let res = req.send().await?;
    let status = res.status();
    let streaming = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/event-stream"));
    let text =
        if streaming { "<an event stream was opened>".to_owned() } else { res.text().await? };
    Ok(Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::Null), text })
}

impl TestApp {
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        send(&self.http, &self.url, method, path, token, body.as_ref()).await.expect("request sent")
    }

    /// Creates a workspace (profile key [`profile_key`]) and returns its id.
    pub async fn create_workspace(&self, name: &str, requires_approval: bool) -> String {
        let body = json!({"name": name, "ayrshare_profile_key": profile_key(name), "requires_approval": requires_approval});
        let ws =
            self.call(Method::POST, "/api/workspaces", Some(ADMIN), Some(body)).await.expect(201);
        ws["id"].as_str().unwrap().to_owned()
    }

    /// A new token of `role` in `ws`: (token id, token).
    pub async fn token(&self, ws: &str, role: &str) -> (String, String) {
        let path = format!("/api/workspaces/{ws}/tokens");
        let t = self
            .call(Method::POST, &path, Some(ADMIN), Some(json!({"role": role})))
            .await
            .expect(201);
        (t["id"].as_str().unwrap().to_owned(), t["token"].as_str().unwrap().to_owned())
    }

    pub async fn create_post(&self, ws: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, &format!("/api/workspaces/{ws}/posts"), Some(token), Some(body))
            .await
    }

    /// Every post of a workspace (all pages), as the global admin sees them.
    pub async fn all_posts(&self, ws: &str) -> Vec<Value> {
        all_posts(&self.http, &self.url, ws).await
    }

    /// The post with its audit events.
    pub async fn post_detail(&self, ws: &str, id: &str) -> Value {
        self.call(Method::GET, &format!("/api/workspaces/{ws}/posts/{id}"), Some(ADMIN), None)
            .await
            .expect(200)
    }
}

/// Every post of a workspace on the Herald at `base`, following the cursor.
pub async fn all_posts(http: &reqwest::Client, base: &str, ws: &str) -> Vec<Value> {
    let mut posts = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/workspaces/{ws}/posts?limit=200&cursor={cursor}");
        let page = send(http, base, Method::GET, &path, Some(ADMIN), None)
            .await
            .expect("list posts")
            .expect(200);
        posts.extend(page["posts"].as_array().cloned().unwrap_or_default());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return posts,
        }
    }
}

/// Every record the simulator holds for a profile (any status), read directly.
pub async fn sim_history(http: &reqwest::Client, sim_base_url: &str, profile: &str) -> Vec<Value> {
    let res = http
        .get(format!("{sim_base_url}/history?lastDays=0&limit=1000"))
        .bearer_auth(SIM_KEY)
        .header(ayrshare_sim::PROFILE_KEY_HEADER, profile)
        .send()
        .await
        .expect("simulator history");
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    let empty = status == 400 && body["history"]["code"] == ayrshare_sim::HISTORY_NOT_FOUND_CODE;
    assert!(status == 200 || empty, "simulator history answered {status}: {body}");
    body["history"].as_array().cloned().unwrap_or_default()
}

/// How many simulator records carry each text: a text posted twice shows up as 2.
pub fn texts_on_ayrshare(records: &[Value]) -> std::collections::HashMap<String, usize> {
    let mut seen = std::collections::HashMap::new();
    for r in records {
        *seen.entry(r["post"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
    }
    seen
}

/// The audit-trail invariant of one post detail (post + `events`): versions 1..=version
/// each have exactly one event, in order, and the last one is the post as it stands.
pub fn audit_problems(detail: &Value) -> Option<String> {
    let version = detail["version"].as_i64()?;
    let events = detail["events"].as_array().cloned().unwrap_or_default();
    let mut versions: Vec<i64> = events.iter().filter_map(|e| e["version"].as_i64()).collect();
    versions.sort_unstable();
    let expected: Vec<i64> = (1..=version).collect();
    if versions != expected {
        return Some(format!(
            "post {} at version {version} has event versions {versions:?}",
            detail["id"]
        ));
    }
    let last = events.iter().max_by_key(|e| e["version"].as_i64());
    match last {
        Some(e) if e["to"] == detail["status"] => None,
        Some(e) => Some(format!(
            "post {} is {} but its last event says {}",
            detail["id"], detail["status"], e["to"]
        )),
        None => Some(format!("post {} has no events", detail["id"])),
    }
}
