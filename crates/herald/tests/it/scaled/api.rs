//! Talking to the instances and to the simulator: typed helpers over `reqwest`, the
//! server-sent event stream, and the simulator's counters and views.

use crate::scaled::cluster::{ADMIN, SIM_KEY};
use ayrshare_sim::{SimHandle, Stats};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

/// One client for a test: a request that hangs fails after 30 s instead of the test hanging.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("HTTP client")
}

/// A response: status and JSON body (Null when empty or not JSON).
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        self.body
    }
}

pub async fn call(
    http: &reqwest::Client,
    method: Method,
    url: &str,
    token: &str,
    body: Option<Value>,
) -> Result<Reply, reqwest::Error> {
    let mut req = http.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await?;
    let status = res.status().as_u16();
    let text = res.text().await?;
    Ok(Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::Null) })
}

pub fn profile_key(ws_name: &str) -> String {
    format!("PROFILE-{ws_name}-0123456789abcdef")
}

/// Creates a workspace (publishing without approval, every network linked on the
/// simulator at `sim_url`) and an editor token for it.
pub async fn workspace_and_editor(
    http: &reqwest::Client,
    base: &str,
    sim_url: &str,
    name: &str,
) -> (String, String) {
    crate::support::sim_profile(http, sim_url, name, &profile_key(name)).await;
    let body = json!({"name": name, "ayrshare_profile_key": profile_key(name), "requires_approval": false, "late_approval": "expire"});
    let ws = call(http, Method::POST, &format!("{base}/api/workspaces"), ADMIN, Some(body))
        .await
        .unwrap()
        .expect(201);
    let ws = ws["id"].as_str().unwrap().to_owned();
    let path = format!("{base}/api/workspaces/{ws}/tokens");
    let token = call(http, Method::POST, &path, ADMIN, Some(json!({"role": "editor"})))
        .await
        .unwrap()
        .expect(201);
    (ws, token["token"].as_str().unwrap().to_owned())
}

pub async fn create_post(
    http: &reqwest::Client,
    base: &str,
    ws: &str,
    token: &str,
    body: Value,
) -> Result<Reply, reqwest::Error> {
    call(http, Method::POST, &format!("{base}/api/workspaces/{ws}/posts"), token, Some(body)).await
}

/// The dashboard read: status, `X-Cache`, body.
pub async fn history(
    http: &reqwest::Client,
    base: &str,
    ws: &str,
    token: &str,
) -> Result<(u16, String, Value), reqwest::Error> {
    let res = http
        .get(format!("{base}/api/workspaces/{ws}/history?limit=1000"))
        .bearer_auth(token)
        .send()
        .await?;
    let status = res.status().as_u16();
    let x_cache =
        res.headers().get("x-cache").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let text = res.text().await?;
    Ok((status, x_cache, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// `GET /readyz`: status and body.
pub async fn readyz(http: &reqwest::Client, base: &str) -> Result<Reply, reqwest::Error> {
    let res = http.get(format!("{base}/readyz")).send().await?;
    let status = res.status().as_u16();
    Ok(Reply { status, body: res.json().await.unwrap_or(Value::Null) })
}

pub use crate::support::events::Events;

pub fn history_fetches(stats: &Stats) -> u64 {
    stats.requests.get("GET /api/history").copied().unwrap_or(0)
}

pub fn posts_sent(stats: &Stats) -> u64 {
    stats.requests.get("POST /api/post").copied().unwrap_or(0)
}

/// GET on the simulator as the profile of workspace `ws_name`.
async fn sim_get(sim: &SimHandle, ws_name: &str, path: &str) -> Value {
    let res = reqwest::Client::new()
        .get(format!("{}{path}", sim.base_url()))
        .bearer_auth(SIM_KEY)
        .header(ayrshare_sim::PROFILE_KEY_HEADER, profile_key(ws_name))
        .send()
        .await
        .expect("simulator answers");
    res.json().await.expect("simulator JSON")
}

/// Every post Ayrshare's history holds for the profile (up to 1,000, the API's maximum).
pub async fn sim_history(sim: &SimHandle, ws_name: &str) -> Vec<Value> {
    let body = sim_get(sim, ws_name, "/history?lastDays=0&limit=1000").await;
    body["history"].as_array().cloned().unwrap_or_default()
}

/// What the network itself shows for the profile: every post published on `platform`,
/// without a limit (`GET /history/{platform}`).
pub async fn sim_feed(sim: &SimHandle, ws_name: &str, platform: &str) -> Vec<Value> {
    let body = sim_get(sim, ws_name, &format!("/history/{platform}")).await;
    body["posts"].as_array().cloned().unwrap_or_default()
}

/// The instance's cache counters and Ayrshare history calls, from `/metrics`, in one line
/// (`fills=… stale_fills_rejected=… lease_waits=… bypasses=… redis_errors=… history_calls=…
/// ack_wait_longest_seconds=…`).
pub async fn cache_figures(http: &reqwest::Client, base: &str) -> String {
    let text = match http.get(format!("{base}/metrics")).send().await {
        Ok(res) => res.text().await.unwrap_or_default(),
        Err(e) => return format!("metrics unavailable: {e}"),
    };
    let value =
        |line: &str| line.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let mut figures: Vec<String> = [
        "fills",
        "stale_fills_rejected",
        "lease_waits",
        "bypasses",
        "redis_errors",
        "lease_reads",
        "ack_waits",
        "ack_timeouts",
    ]
    .iter()
    .map(|name| {
        let total = text
            .lines()
            .filter(|l| l.starts_with(&format!("herald_cache_{name}_total ")))
            .map(value)
            .sum::<f64>();
        format!("{name}={total}")
    })
    .collect();
    let history = text
        .lines()
        .filter(|l| {
            l.starts_with("herald_ayrshare_calls_total{")
                && l.contains("GET")
                && l.contains("history")
        })
        .map(value)
        .sum::<f64>();
    figures.push(format!("history_calls={history}"));
    let longest = text
        .lines()
        .find(|l| l.starts_with("herald_cache_ack_wait_longest_seconds "))
        .map_or(0.0, value);
    figures.push(format!("ack_wait_longest_seconds={longest}"));
    figures.join(" ")
}
