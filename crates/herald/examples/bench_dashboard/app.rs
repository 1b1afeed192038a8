//! The servers a benchmark drives: Herald (built in this process on port 0, against the
//! in-process Ayrshare simulator, with a workspace of 100 posts) and the reference, a
//! plain axum server answering every request with the very bytes Herald answers, from
//! memory (`br` when the request accepts it, as Herald does). Several Heralds can share
//! one simulator, SQLite file and cache namespace ([`Shared`]): a cluster on one Redis.

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use herald::app::startup::Application;
use herald::commands::config::ServeArgs;
use herald::foundation::secret::Secret;
use herald::gate::dashboard::Strategy;
use serde_json::{json, Value};
use std::sync::Arc;

pub const ADMIN: &str = "bench-admin-token-0123456789";
const SIM_KEY: &str = "bench-sim-key-0123456789";
const X_KEY: &str = "bench-x-api-key-0123456789";
const X_SECRET: &str = "bench-x-api-secret-0123456789";

pub struct Herald {
    pub url: String,
    pub state: herald::app::state::AppState,
    pub sim: Arc<ayrshare_sim::SimHandle>,
    pub http: reqwest::Client,
    stop: tokio::sync::oneshot::Sender<()>,
    running: tokio::task::JoinHandle<anyhow::Result<()>>,
    _db: Arc<tempfile::TempDir>,
}

/// What the instances of one cluster share: the Ayrshare simulator, the SQLite file and
/// the cache namespace.
pub struct Shared {
    sim: Arc<ayrshare_sim::SimHandle>,
    db: Arc<tempfile::TempDir>,
    namespace: String,
}

/// How an instance caches: its strategy, Redis (none: the in-process tier) and its read
/// lease in ms (`None`: the default of `HERALD_CACHE_LEASE_MS`; 0 turns leases off).
#[derive(Clone)]
pub struct Tier {
    pub strategy: Strategy,
    pub redis: Option<String>,
    pub lease_ms: Option<u64>,
}

impl Tier {
    pub fn redis(url: &str, lease_ms: Option<u64>) -> Self {
        Tier { strategy: Strategy::Versioned, redis: Some(url.to_owned()), lease_ms }
    }
}

/// A new simulator, a new database file and a new cache namespace.
pub async fn shared(sim: ayrshare_sim::SimConfig) -> Shared {
    let sim = ayrshare_sim::SimConfig { api_key: Some(SIM_KEY.into()), ..sim };
    let sim = Arc::new(ayrshare_sim::Simulator::spawn(sim).await.unwrap());
    let db = Arc::new(tempfile::tempdir().unwrap());
    let namespace = format!("herald-bench-{}", uuid::Uuid::new_v4().simple());
    Shared { sim, db, namespace }
}

/// A running Herald alone on its database: `redis` picks the Redis tier.
pub async fn start(
    strategy: Strategy,
    redis: Option<String>,
    sim: ayrshare_sim::SimConfig,
) -> Herald {
    instance(&shared(sim).await, &Tier { strategy, redis, lease_ms: None }).await
}

/// One more Herald on what `shared` holds. Its rate limiter is on (with a limit the
/// benchmark never reaches), so a hit pays for it as in production.
pub async fn instance(shared: &Shared, tier: &Tier) -> Herald {
    let file = shared.db.path().join("bench.db");
    let mut args = ServeArgs::for_tests(file.to_str().unwrap());
    args.admin_token = Some(Secret::new(ADMIN));
    args.ayrshare.ayrshare_api_key = Some(Secret::new(SIM_KEY));
    args.ayrshare.ayrshare_base_url = shared.sim.base_url();
    args.ayrshare.x_api_key = Some(Secret::new(X_KEY));
    args.ayrshare.x_api_secret = Some(Secret::new(X_SECRET));
    args.scheduler_interval_ms = 0;
    args.rate_limit_per_minute = 1_000_000_000;
    args.auth_failures_per_minute = 60;
    args.cache.cache_strategy = tier.strategy;
    args.cache.redis_url = tier.redis.clone().map(Secret::new);
    args.cache.cache_namespace = shared.namespace.clone();
    if let Some(ms) = tier.lease_ms {
        args.cache.cache_lease_ms = ms;
    }
    let app = Application::build(args).await.unwrap();
    let (url, state) = (format!("http://{}", app.local_addr()), app.state().clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let (sim, _db) = (shared.sim.clone(), shared.db.clone());
    Herald { url, state, sim, http: reqwest::Client::new(), stop, running, _db }
}

impl Herald {
    /// Shuts it down (its loops and its cache's background tasks) and waits until it has:
    /// nothing of it talks to Redis afterwards.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.running.await.unwrap().unwrap();
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.url)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.unwrap_or(Value::Null)
    }

    /// A workspace without approval (its profile linked on the simulator) and an admin
    /// token of it.
    pub async fn workspace(&self, name: &str) -> (String, String) {
        let key = format!("bench-{name}-profile-key");
        let link = json!({"profileKey": key, "title": name, "platforms": ["linkedin", "facebook", "twitter"]});
        let res =
            self.http.post(format!("{}/__sim/profiles/link", self.sim.root_url())).json(&link);
        assert!(res.send().await.unwrap().status().is_success(), "simulator profile set-up");
        let ws = json!({"name": name, "ayrshare_profile_key": key, "requires_approval": false});
        let ws = self.call(reqwest::Method::POST, "/api/workspaces", ADMIN, Some(ws)).await;
        let ws = ws["id"].as_str().unwrap().to_owned();
        let path = format!("/api/workspaces/{ws}/tokens");
        let t =
            self.call(reqwest::Method::POST, &path, ADMIN, Some(json!({"role": "admin"}))).await;
        (ws, t["token"].as_str().unwrap().to_owned())
    }

    /// A post (`submit`: published at once through the simulator).
    pub async fn post(&self, ws: &str, token: &str, text: String, submit: bool) -> Value {
        let body = json!({"text": text, "platforms": ["linkedin", "facebook"], "submit": submit});
        let path = format!("/api/workspaces/{ws}/posts");
        self.call(reqwest::Method::POST, &path, token, Some(body)).await
    }

    /// The dashboard answer's bytes, as sent with `Accept-Encoding: accept`, once it is
    /// cached (after the background refresh of Ayrshare's history has settled).
    pub async fn body(&self, url: &str, token: &str, accept: &str) -> Bytes {
        self.state.dashboard.settled().await;
        for _ in 0..3 {
            let res = self.http.get(url).bearer_auth(token).header(ACCEPT_ENCODING, accept);
            let res = res.send().await.unwrap();
            if res.headers().get("x-cache").is_some_and(|v| v == "hit") {
                return res.bytes().await.unwrap();
            }
        }
        panic!("the dashboard answer is not cached");
    }
}

/// Serves `raw`, or `br` to requests that accept it, from memory; returns its URL.
pub async fn reference(raw: Bytes, br: Bytes) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let answer = move |req: Request| {
        let (raw, br) = (raw.clone(), br.clone());
        async move {
            let accepts_br = req
                .headers()
                .get(ACCEPT_ENCODING)
                .is_some_and(|v| v.to_str().is_ok_and(|v| v.contains("br")));
            let json = [(CONTENT_TYPE, "application/json")];
            let response: Response = match accepts_br {
                true => (json, [(CONTENT_ENCODING, "br")], br).into_response(),
                false => (json, raw).into_response(),
            };
            response
        }
    };
    let app = axum::Router::new().fallback(answer);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}
