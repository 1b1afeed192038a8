//! Typed request helpers: one request and its answer ([`send`], [`Reply`]), and the
//! calls tests make over and over (workspaces, tokens, posts, actions, the dashboard).

use super::{profile_key, TestApp, ADMIN, SIM_KEY};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A response: status, raw text and JSON body (Null when empty or not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub text: String,
    pub body: Value,
}

impl Reply {
    /// Asserts the status and returns the body.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text);
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

    /// A request with a raw body of the given content type.
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
        let text = res.text().await.unwrap_or_default();
        Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
    }

    /// Creates a workspace (profile key [`profile_key`], every network linked on the
    /// simulator) and returns its id.
    pub async fn create_workspace(
        &self,
        name: &str,
        requires_approval: bool,
        late: &str,
    ) -> String {
        sim_profile(&self.http, &self.sim.base_url(), name, &profile_key(name)).await;
        let body = json!({"name": name, "ayrshare_profile_key": profile_key(name),
            "requires_approval": requires_approval, "late_approval": late});
        let ws =
            self.call(Method::POST, "/api/workspaces", Some(ADMIN), Some(body)).await.expect(201);
        ws["id"].as_str().unwrap().to_owned()
    }

    /// A new token of `role` in `ws`.
    pub async fn token(&self, ws: &str, role: &str) -> String {
        self.token_with_id(ws, role).await.1
    }

    /// A new token of `role` in `ws`: (token id, token).
    pub async fn token_with_id(&self, ws: &str, role: &str) -> (String, String) {
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

    /// POSTs an action (`submit`, `approve`, ...) with `body`.
    pub async fn act(&self, ws: &str, id: &str, action: &str, token: &str, body: Value) -> Reply {
        let path = format!("/api/workspaces/{ws}/posts/{id}/{action}");
        self.call(Method::POST, &path, Some(token), Some(body)).await
    }

    pub async fn get_post(&self, ws: &str, id: &str, token: &str) -> Value {
        self.call(Method::GET, &format!("/api/workspaces/{ws}/posts/{id}"), Some(token), None)
            .await
            .expect(200)
    }

    /// The post with its audit events, as the global admin sees it.
    pub async fn post_detail(&self, ws: &str, id: &str) -> Value {
        self.get_post(ws, id, ADMIN).await
    }

    /// Every post of a workspace (all pages), as the global admin sees them.
    pub async fn all_posts(&self, ws: &str) -> Vec<Value> {
        all_posts(&self.http, &self.url, ws).await
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

/// Makes the simulator know a profile with this key and title, with every network
/// linked — as a team would have set it up on Ayrshare before giving Herald the key.
pub async fn sim_profile(http: &reqwest::Client, sim_base_url: &str, title: &str, key: &str) {
    let all: Vec<&str> = ayrshare::Platform::ALL.iter().map(|p| p.as_str()).collect();
    let body = json!({"profileKey": key, "title": title, "platforms": all});
    let res = http
        .post(format!("{}/__sim/profiles/link", sim_root(sim_base_url)))
        .json(&body)
        .send()
        .await
        .expect("simulator reachable");
    assert_eq!(
        res.status(),
        200,
        "simulator profile set-up: {}",
        res.text().await.unwrap_or_default()
    );
}

/// The simulator's root (its base URL ends in `/api`).
fn sim_root(sim_base_url: &str) -> &str {
    sim_base_url.trim_end_matches('/').trim_end_matches("/api")
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
