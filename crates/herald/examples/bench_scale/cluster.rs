//! Herald instances for the scale run: each built in this process (port 0) on the
//! benchmark's PostgreSQL database and one Redis, all against one in-process Ayrshare
//! simulator, with production settings except the ones a benchmark must set (the admin
//! token, the simulator's address, the loops it measures).

use herald::app::startup::Application;
use herald::commands::config::ServeArgs;
use herald::foundation::secret::Secret;
use reqwest::Method;
use serde_json::{json, Value};

pub const ADMIN: &str = "bench-admin-token-0123456789";
pub const SIM_KEY: &str = "bench-sim-key-0123456789";

/// What an instance runs besides the API.
#[derive(Clone, Copy)]
pub struct Loops {
    pub scheduler: bool,
}

/// The simulator every instance calls.
pub async fn simulator() -> ayrshare_sim::SimHandle {
    let config = ayrshare_sim::SimConfig { api_key: Some(SIM_KEY.into()), ..Default::default() };
    ayrshare_sim::Simulator::spawn(config).await.unwrap()
}

/// A profile on the simulator with LinkedIn and Facebook linked.
pub fn profile(sim: &ayrshare_sim::SimHandle, title: &str, key: &str) {
    assert!(sim.sim.add_profile(title, key), "simulator profile {key}");
    let networks = [ayrshare::Platform::LinkedIn, ayrshare::Platform::Facebook];
    sim.sim.link(key, &networks, true).unwrap();
}

pub struct Instance {
    pub url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    running: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// Shuts the instances down (their loops stopped) and waits until they have.
pub async fn stop(instances: Vec<Instance>) {
    for i in instances {
        let _ = i.stop.send(());
        i.running.await.unwrap().unwrap();
    }
}

/// `n` instances sharing `database` and `redis` under one cache namespace.
pub async fn start(
    n: usize,
    database: &str,
    redis: &str,
    sim: &ayrshare_sim::SimHandle,
    loops: Loops,
) -> Vec<Instance> {
    let namespace = format!("herald-bench-scale-{}", uuid::Uuid::new_v4().simple());
    let mut instances = Vec::new();
    for _ in 0..n {
        let mut args = ServeArgs::for_tests(database);
        args.admin_token = Some(Secret::new(ADMIN));
        args.ayrshare.ayrshare_api_key = Some(Secret::new(SIM_KEY));
        args.ayrshare.ayrshare_base_url = sim.base_url();
        args.rate_limit_per_minute = 1_000_000_000;
        args.max_streams_per_caller = 20;
        args.scheduler_interval_ms = if loops.scheduler { 1_000 } else { 0 };
        args.analytics.analytics_interval_ms = 0;
        args.cache.redis_url = Some(Secret::new(redis));
        args.cache.cache_namespace = namespace.clone();
        let app = Application::build(args).await.unwrap();
        let url = format!("http://{}", app.local_addr());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        instances.push(Instance { url, stop, running });
    }
    instances
}

impl Instance {
    /// A call that must succeed; its JSON answer.
    pub async fn call(
        &self,
        http: &reqwest::Client,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Value {
        let mut req = http.request(method, format!("{}{path}", self.url)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let body = res.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    /// A new token of `role` in `ws`.
    pub async fn token(&self, http: &reqwest::Client, ws: &str, role: &str) -> String {
        let path = format!("/api/workspaces/{ws}/tokens");
        let t = self.call(http, Method::POST, &path, ADMIN, Some(json!({"role": role}))).await;
        t["token"].as_str().unwrap().to_owned()
    }

    /// A workspace without approval on a new simulator profile; its id.
    pub async fn workspace(
        &self,
        http: &reqwest::Client,
        sim: &ayrshare_sim::SimHandle,
        name: &str,
    ) -> String {
        let key = format!("bench-{name}-profile-key");
        profile(sim, name, &key);
        let ws = json!({"name": name, "ayrshare_profile_key": key, "requires_approval": false});
        let ws = self.call(http, Method::POST, "/api/workspaces", ADMIN, Some(ws)).await;
        ws["id"].as_str().unwrap().to_owned()
    }
}

/// p50, p99 and max of `samples` (sorted here), in milliseconds.
pub fn percentiles(samples: &mut [f64]) -> (f64, f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99), at(1.0))
}
