//! Reading a live event stream (`GET /api/workspaces/{ws}/events`) event by event.

use serde_json::Value;
use std::time::Duration;
use tokio::time::Instant;

/// A connected `GET /api/workspaces/{ws}/events` stream.
pub struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    /// An already opened stream (a person's, with their cookie).
    pub fn of(response: reqwest::Response) -> Events {
        assert_eq!(response.status(), 200, "SSE stream refused");
        Events { response, buffer: String::new() }
    }

    /// Connects; when this returns, the instance has subscribed this client.
    pub async fn connect(base: &str, ws: &str, token: &str) -> Events {
        let res = reqwest::Client::new()
            .get(format!("{base}/api/workspaces/{ws}/events"))
            .bearer_auth(token)
            .send()
            .await
            .expect("SSE connect");
        assert_eq!(res.status(), 200, "SSE stream refused");
        Events { response: res, buffer: String::new() }
    }

    /// Waits (until `within` has passed) for an event named `name` whose data satisfies
    /// `wanted`; returns its data.
    pub async fn wait_for(
        &mut self,
        name: &str,
        within: Duration,
        wanted: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        let deadline = Instant::now() + within;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |f: &str| {
                    block.lines().find_map(|l| l.strip_prefix(f)).map(|v| v.trim().to_owned())
                };
                if field("event:").as_deref() == Some(name) {
                    let data: Value = field("data:")
                        .and_then(|d| serde_json::from_str(&d).ok())
                        .unwrap_or(Value::Null);
                    if wanted(&data) {
                        return Some(data);
                    }
                }
            }
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }
}
