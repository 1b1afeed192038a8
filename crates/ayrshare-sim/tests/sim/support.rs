//! What every simulator test shares: a running simulator with a client ([`Api`]), its
//! answers ([`Answer`]), polling for a condition ([`eventually`]) and a local webhook
//! receiver ([`webhook_receiver`]).

use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use ayrshare_sim::{SimConfig, SimHandle, Simulator};
use chrono::{SecondsFormat, Utc};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// A running simulator and a client for it.
pub struct Api {
    pub sim: SimHandle,
    pub http: reqwest::Client,
}

/// One answer: status, headers and JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

impl Api {
    pub async fn start(config: SimConfig) -> Api {
        let sim = Simulator::spawn(config).await.expect("simulator starts");
        Api { sim, http: reqwest::Client::new() }
    }

    pub async fn default() -> Api {
        Api::start(SimConfig::default()).await
    }

    /// Calls `path` (under the base URL) with the API key and, if given, a Profile-Key.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        profile: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.sim.base_url()))
            .bearer_auth("TEST-KEY");
        if let Some(profile) = profile {
            request = request.header("Profile-Key", profile);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        answer(request.send().await.expect("request sent")).await
    }

    pub async fn post(&self, profile: Option<&str>, body: Value) -> Answer {
        self.call(Method::POST, "/post", profile, Some(body)).await
    }

    pub async fn history(&self, profile: Option<&str>, query: &str) -> Answer {
        self.call(Method::GET, &format!("/history{query}"), profile, None).await
    }

    /// Calls one of the simulator's own `/__sim` routes.
    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self.http.request(method, format!("{}/__sim{path}", self.sim.root_url()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        answer(request.send().await.expect("request sent")).await
    }
}

/// Reads a response whole; the body must be JSON.
pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body read");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    Answer { status, headers, body }
}

/// An ISO date `ms` milliseconds from now (negative: in the past).
pub fn in_ms(ms: i64) -> String {
    (Utc::now() + chrono::TimeDelta::milliseconds(ms)).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Polls `check` every 20 ms until it is true or `limit` passes.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// A local webhook receiver: every POST body and its headers arrive on the channel.
pub async fn webhook_receiver() -> (String, mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send((headers, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind receiver");
    let url = format!("http://{}/hook", listener.local_addr().expect("receiver address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}
