//! `spawn_app()`: the real Herald on port 0 with a fresh SQLite file, talking real HTTP
//! to a fresh Ayrshare simulator on port 0, plus typed request helpers.

use ayrshare_sim::{SimConfig, SimHandle, Simulator};
use herald::config::ServeArgs;
use herald::secret::Secret;
use herald::startup::Application;
use herald::store::Storage;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::oneshot;

pub const ADMIN: &str = "test-admin-token-0123456789";
pub const CRON: &str = "test-cron-secret-0123456789";
pub const HOOK_SECRET: &str = "test-webhook-secret-0123456789";
const SIM_KEY: &str = "SIM-API-KEY-0123456789";

pub struct TestApp {
    pub url: String,
    pub http: reqwest::Client,
    pub sim: SimHandle,
    pub store: Arc<dyn Storage>,
    pub scheduler: herald::scheduler::Scheduler,
    _db: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
}

pub struct Options {
    pub sim: SimConfig,
    pub lease_secs: u64,
    pub strategy: herald::dashboard::Strategy,
    /// A Redis URL for the shared tier (each app gets its own namespace).
    pub redis_url: Option<String>,
    /// `HERALD_RATE_LIMIT_PER_MINUTE`; 0 (the default here) = unlimited.
    pub rate_limit_per_minute: u32,
    /// A database URL (e.g. a fresh PostgreSQL database); `None` = a new SQLite file.
    pub database_url: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            sim: SimConfig::default(),
            lease_secs: 60,
            strategy: herald::dashboard::Strategy::Versioned,
            redis_url: None,
            rate_limit_per_minute: 0,
            database_url: None,
        }
    }
}

/// `HERALD_TEST_REDIS_URL`, or `None` after saying (on stderr, past the test harness's
/// capture) which test was skipped.
pub fn test_redis_url(test: &str) -> Option<String> {
    let url = std::env::var("HERALD_TEST_REDIS_URL").ok().filter(|u| !u.is_empty());
    if url.is_none() {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "skipped: HERALD_TEST_REDIS_URL not set ({test})");
    }
    url
}

/// A new, empty PostgreSQL database on `HERALD_TEST_DATABASE_URL`'s server (left for the
/// server to drop with the test cluster), or `None` after saying which test was skipped.
pub async fn test_database_url(test: &str) -> Option<String> {
    use sqlx::{Connection, Executor};
    let Some(admin) = std::env::var("HERALD_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())
    else {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "skipped: HERALD_TEST_DATABASE_URL not set ({test})");
        return None;
    };
    let name = format!("herald_api_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connect to PostgreSQL");
    conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create database");
    let mut url = url::Url::parse(&admin).expect("a URL");
    url.set_path(&name);
    Some(url.to_string())
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(opts: Options) -> TestApp {
    let sim = Simulator::spawn(SimConfig { api_key: Some(SIM_KEY.into()), ..opts.sim })
        .await
        .expect("simulator");
    let db = tempfile::tempdir().expect("temp dir");
    let sqlite = db.path().join("herald.db").to_str().unwrap().to_owned();
    let mut args = ServeArgs::for_tests(opts.database_url.as_deref().unwrap_or(&sqlite));
    args.admin_token = Some(Secret::new(ADMIN));
    args.cron_secret = Some(Secret::new(CRON));
    args.ayrshare.ayrshare_api_key = Some(Secret::new(SIM_KEY));
    args.ayrshare.ayrshare_base_url = sim.base_url();
    args.ayrshare.ayrshare_webhook_secret = Some(Secret::new(HOOK_SECRET));
    args.ayrshare.ayrshare_timeout_ms = 5_000;
    args.scheduler_interval_ms = 0;
    args.publish.publish_backoff_ms = 5;
    args.publish.publish_lease_secs = opts.lease_secs;
    args.cache.cache_strategy = opts.strategy;
    args.cache.redis_url = opts.redis_url.map(Secret::new);
    args.cache.cache_namespace = format!("herald-test-{}", uuid::Uuid::new_v4().simple());
    args.rate_limit_per_minute = opts.rate_limit_per_minute;
    if opts.rate_limit_per_minute > 0 {
        args.auth_failures_per_minute = 30;
    }
    let app = Application::build(args).await.expect("app builds");
    let url = format!("http://{}", app.local_addr());
    let store = app.store();
    let scheduler = app.state().scheduler.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    TestApp { url, http: reqwest::Client::new(), sim, store, scheduler, _db: db, stop: Some(stop) }
}

/// A response: status and JSON body (Null when the body is empty or not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    /// Asserts the status and returns the body.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.body);
        self.body
    }

    /// Asserts an API.md error body with this status and code.
    #[track_caller]
    pub fn expect_error(self, status: u16, code: &str) -> Value {
        let body = self.expect(status);
        assert_eq!(body["error"]["code"], code, "error body: {body}");
        assert!(body["error"]["message"].is_string(), "error body: {body}");
        assert!(body["error"]["details"].is_object(), "error body: {body}");
        body
    }
}

impl TestApp {
    /// Starts the graceful shutdown (as SIGTERM would).
    pub fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self.http.request(method, format!("{}{}", self.url, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::Null) }
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: &str,
        content_type: &str,
        body: &'static str,
    ) -> Reply {
        let res = self
            .http
            .request(method, format!("{}{}", self.url, path))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent");
        let status = res.status();
        Reply { status, body: res.json().await.unwrap_or(Value::Null) }
    }

    pub async fn create_workspace(
        &self,
        name: &str,
        requires_approval: bool,
        late: &str,
    ) -> String {
        let body = json!({"name": name, "ayrshare_profile_key": format!("PROFILE-{name}-0123456789abcdef"),
            "requires_approval": requires_approval, "late_approval": late});
        let ws =
            self.call(Method::POST, "/api/workspaces", Some(ADMIN), Some(body)).await.expect(201);
        ws["id"].as_str().unwrap().to_owned()
    }

    pub async fn token(&self, ws: &str, role: &str) -> String {
        let path = format!("/api/workspaces/{ws}/tokens");
        let t = self
            .call(Method::POST, &path, Some(ADMIN), Some(json!({"role": role})))
            .await
            .expect(201);
        t["token"].as_str().unwrap().to_owned()
    }

    pub async fn create_post(&self, ws: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, &format!("/api/workspaces/{ws}/posts"), Some(token), Some(body))
            .await
    }

    /// POSTs an action (`submit`, `approve`, ...) at `version`.
    pub async fn act(&self, ws: &str, id: &str, action: &str, token: &str, body: Value) -> Reply {
        self.call(
            Method::POST,
            &format!("/api/workspaces/{ws}/posts/{id}/{action}"),
            Some(token),
            Some(body),
        )
        .await
    }

    pub async fn get_post(&self, ws: &str, id: &str, token: &str) -> Value {
        self.call(Method::GET, &format!("/api/workspaces/{ws}/posts/{id}"), Some(token), None)
            .await
            .expect(200)
    }

    /// Test fixture: moves a post's `schedule_at` into the past, as time passing would.
    pub async fn backdate_schedule(&self, ws: &str, id: &str) -> i64 {
        let mut post = self.store.post(ws, id).await.unwrap().unwrap();
        let before = post.version;
        post.schedule_at = Some(chrono::Utc::now() - chrono::Duration::minutes(1));
        post.version += 1;
        let event = herald::store::NewEvent {
            actor: "test".into(),
            action: herald::domain::AuditAction::Reschedule,
            comment: None,
            from: Some(post.status),
        };
        self.store.save_post(before, &post, &event).await.unwrap();
        post.version
    }

    pub async fn sim_stats(&self) -> ayrshare_sim::Stats {
        self.sim.sim.stats()
    }

    /// How many posts the simulator holds for a workspace's profile (all statuses).
    pub async fn sim_history(&self, ws_name: &str) -> Vec<Value> {
        let res = self
            .http
            .get(format!("{}/history?lastDays=0&limit=1000", self.sim.base_url()))
            .bearer_auth(SIM_KEY)
            .header("Profile-Key", format!("PROFILE-{ws_name}-0123456789abcdef"))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        let empty = status == 400 && body["history"]["code"] == 221;
        assert!(status == 200 || empty, "simulator history answered {status}: {body}");
        body["history"].as_array().cloned().unwrap_or_default()
    }

    pub fn profile_key(ws_name: &str) -> String {
        format!("PROFILE-{ws_name}-0123456789abcdef")
    }

    pub fn sim_client(&self) -> ayrshare::Client {
        ayrshare::Client::new(&self.sim.base_url(), SIM_KEY, std::time::Duration::from_secs(5))
            .unwrap()
    }
}

/// GET the dashboard history: status, `X-Cache`, `ETag`, body.
pub async fn history(
    app: &TestApp,
    ws: &str,
    token: &str,
    query: &str,
) -> (u16, String, String, Value) {
    let res = app
        .http
        .get(format!("{}/api/workspaces/{ws}/history{query}", app.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let header = |name: &str| {
        res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    };
    let (x_cache, etag) = (header("x-cache"), header("etag"));
    let body = res.json().await.unwrap_or(Value::Null);
    (status, x_cache, etag, body)
}

pub fn history_fetches(stats: &ayrshare_sim::Stats) -> u64 {
    stats.requests.get("GET /api/history").copied().unwrap_or(0)
}

pub fn posts_sent(stats: &ayrshare_sim::Stats) -> u64 {
    stats.requests.get("POST /api/post").copied().unwrap_or(0)
}
