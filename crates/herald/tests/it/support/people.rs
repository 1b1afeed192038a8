//! People in tests: invitations accepted through the API, signed-in sessions (the cookie
//! and its CSRF token), and requests made as either kind of principal ([`Caller`]).

use super::requests::Reply;
use super::{TestApp, ADMIN};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A signed-in person: the session cookie and the CSRF token that goes with it.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: String,
    pub email: String,
    /// `herald_session=…`
    pub cookie: String,
    pub csrf: String,
}

/// Who makes a request.
#[derive(Debug, Clone)]
pub enum Caller {
    Bearer(String),
    /// A session; `csrf: false` leaves the CSRF header out.
    Person {
        session: Session,
        csrf: bool,
    },
}

impl Caller {
    pub fn person(session: &Session) -> Self {
        Self::Person { session: session.clone(), csrf: true }
    }
}

/// The password every test person gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// The secret of an invitation's `accept_url` (after `#token=`).
pub fn invitation_token(created: &Value) -> String {
    let url = created["accept_url"].as_str().expect("accept_url");
    url.split_once("#token=").expect("the token is in the fragment").1.to_owned()
}

/// The session a sign-in answer set: its cookie and CSRF token.
async fn session_of(res: reqwest::Response) -> (StatusCode, Option<Session>, Value) {
    let status = res.status();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("herald_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned());
    let body: Value = res.json().await.unwrap_or(Value::Null);
    let session = cookie.filter(|_| status.is_success()).map(|cookie| Session {
        user_id: body["user"]["id"].as_str().unwrap_or_default().to_owned(),
        email: body["user"]["email"].as_str().unwrap_or_default().to_owned(),
        cookie,
        csrf: body["csrf_token"].as_str().unwrap_or_default().to_owned(),
    });
    (status, session, body)
}

impl TestApp {
    /// One request as `caller`.
    pub async fn call_as(
        &self,
        method: Method,
        path: &str,
        caller: &Caller,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self.http.request(method, format!("{}{path}", self.url));
        req = match caller {
            Caller::Bearer(token) => req.bearer_auth(token),
            Caller::Person { session, csrf } => {
                let req = req.header("cookie", &session.cookie);
                if *csrf {
                    req.header("x-csrf-token", &session.csrf)
                } else {
                    req
                }
            }
        };
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
    }

    /// Opens the workspace's event stream as `caller` (not read).
    pub async fn open_stream(&self, ws: &str, caller: &Caller) -> reqwest::Response {
        let mut req = self.http.get(format!("{}/api/workspaces/{ws}/events", self.url));
        req = match caller {
            Caller::Bearer(token) => req.bearer_auth(token),
            Caller::Person { session, .. } => req.header("cookie", &session.cookie),
        };
        req.send().await.expect("request sent")
    }

    /// The admin token invites `email` into `ws` with `role`: the invitation as answered.
    pub async fn invite(&self, ws: &str, email: &str, role: &str) -> Value {
        let path = format!("/api/workspaces/{ws}/invitations");
        let body = json!({"email": email, "role": role});
        self.call(Method::POST, &path, Some(ADMIN), Some(body)).await.expect(201)
    }

    /// Accepts an invitation as a new person: (status, session, body).
    pub async fn accept(&self, token: &str, name: &str) -> (StatusCode, Option<Session>, Value) {
        let body = json!({"token": token, "name": name, "password": PASSWORD});
        let res = self
            .http
            .post(format!("{}/api/invitations/accept", self.url))
            .json(&body)
            .send()
            .await
            .expect("request sent");
        session_of(res).await
    }

    /// A new person with `role` in `ws`, signed in.
    pub async fn person(&self, ws: &str, role: &str) -> Session {
        let email = format!("{role}-{}@example.com", uuid::Uuid::new_v4().simple());
        let invitation = self.invite(ws, &email, role).await;
        let (status, session, body) = self.accept(&invitation_token(&invitation), role).await;
        assert_eq!(status, 200, "accepting an invitation: {body}");
        session.expect("a session cookie")
    }

    /// Signs in with e-mail and password: (status, session, body).
    pub async fn login(&self, email: &str, password: &str) -> (StatusCode, Option<Session>, Value) {
        let res = self
            .http
            .post(format!("{}/api/auth/login", self.url))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("request sent");
        session_of(res).await
    }
}

/// Waits until the body of `res` ends (or fails); false if it is still open after `within`.
pub async fn ends_within(res: reqwest::Response, within: std::time::Duration) -> bool {
    use futures::StreamExt;
    let mut body = res.bytes_stream();
    tokio::time::timeout(within, async {
        while let Some(chunk) = body.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await
    .is_ok()
}
