//! What every simulator test shares: a running simulator with a client ([`Api`]), its
//! answers ([`Answer`]), polling for a condition ([`eventually`]) and a local webhook
//! receiver ([`webhook_receiver`]).
//!
//! The simulator is strict by default, as Ayrshare is: a profile posts only to the
//! networks linked to it, and calls that touch X need X credentials. [`Api::call`]
//! sends X credentials like a client configured with them (the SDK's
//! `setTwitterByo`); [`Api::bare`] sends only the API key. [`Api::ready`] is a
//! simulator whose primary profile has every network linked; [`Api::profile`] creates
//! a User Profile with every network linked.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use ayrshare_sim::{SimConfig, SimHandle, Simulator};
use chrono::{SecondsFormat, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
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

/// Every network's wire id.
pub const ALL: [&str; 13] = [
    "bluesky",
    "facebook",
    "gmb",
    "instagram",
    "linkedin",
    "pinterest",
    "reddit",
    "snapchat",
    "telegram",
    "threads",
    "tiktok",
    "twitter",
    "youtube",
];

impl Api {
    pub async fn start(config: SimConfig) -> Api {
        let sim = Simulator::spawn(config).await.expect("simulator starts");
        Api { sim, http: reqwest::Client::new() }
    }

    /// A strict simulator with nothing linked anywhere.
    pub async fn default() -> Api {
        Api::start(SimConfig::default()).await
    }

    /// A strict simulator whose primary profile has every network linked.
    pub async fn ready() -> Api {
        Api::ready_with(SimConfig::default()).await
    }

    /// [`Api::ready`] with other knobs.
    pub async fn ready_with(config: SimConfig) -> Api {
        let api = Api::start(config).await;
        api.link(None, &ALL, true).await;
        api
    }

    /// Links (or unlinks) networks through `POST /__sim/profiles/link`.
    pub async fn link(&self, profile: Option<&str>, platforms: &[&str], linked: bool) -> Answer {
        let body = json!({"profileKey": profile.unwrap_or_default(), "platforms": platforms, "linked": linked});
        let answer = self.admin(Method::POST, "/profiles/link", Some(body)).await;
        assert_eq!(answer.status, StatusCode::OK, "link: {}", answer.body);
        answer
    }

    /// A new User Profile with every network linked; its key.
    pub async fn profile(&self, title: &str) -> String {
        let created =
            self.call(Method::POST, "/profiles", None, Some(json!({"title": title}))).await;
        let key = created.body["profileKey"].as_str().expect("profile key").to_string();
        self.link(Some(&key), &ALL, true).await;
        key
    }

    /// A request with the API key only (no Profile-Key, no X credentials).
    pub fn bare(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}{path}", self.sim.base_url())).bearer_auth("TEST-KEY")
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
            .bearer_auth("TEST-KEY")
            .header("X-Twitter-OAuth1-Api-Key", "x-test-key")
            .header("X-Twitter-OAuth1-Api-Secret", "x-test-secret");
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
