//! The Ayrshare simulator served behind a recording layer, so a test knows every call
//! Herald made: when, for which profile, on which route, with what answer, and which
//! calls met a fault the test injected (a simulated 500, a 429 during a deliberate
//! burst, or a latency above Herald's client timeout). Runs in the test process.

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use ayrshare_sim::{SimConfig, Simulator, PROFILE_KEY_HEADER};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// One `/api` call as the simulator received it.
#[derive(Debug, Clone)]
pub struct Call {
    pub at: Instant,
    /// The Profile-Key header, or `primary`.
    pub profile: String,
    /// `METHOD /path` (no query).
    pub route: String,
    /// The simulator's answer; `None` if the caller gave up before it was written.
    pub status: Option<u16>,
    /// The caller timed out: the latency in force was above its timeout, or the reply
    /// was held back (a late reply).
    pub timed_out: bool,
    /// A `POST /api/post` whose answer was held back (it went through on Ayrshare if
    /// its status is 200).
    pub late_reply: bool,
    /// Made while the test was deliberately lowering the rate limit.
    pub in_burst: bool,
    /// The `X-Twitter-OAuth1-Api-Key` header, when both X headers were sent.
    pub x_api_key: Option<String>,
}

impl Call {
    /// A simulated 500 (the error-rate knob).
    pub fn is_error(&self) -> bool {
        self.status == Some(500)
    }

    pub fn is_rate_limited(&self) -> bool {
        self.status == Some(429)
    }

    /// A fault the test injected: it forces a retry Herald is allowed to make.
    pub fn is_injected_fault(&self) -> bool {
        self.is_error() || self.timed_out || (self.in_burst && self.is_rate_limited())
    }
}

pub struct Recorder {
    sim: Simulator,
    client_timeout: Duration,
    burst: AtomicBool,
    late_replies: AtomicBool,
    calls: Mutex<Vec<Call>>,
}

impl Recorder {
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// Marks the start or end of a deliberate 429 burst.
    pub fn set_burst(&self, on: bool) {
        self.burst.store(on, Ordering::SeqCst);
    }

    /// Turns late replies to `POST /api/post` on or off.
    pub fn set_late_replies(&self, on: bool) {
        self.late_replies.store(on, Ordering::SeqCst);
    }
}

async fn record(State(rec): State<Arc<Recorder>>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let profile = req
        .headers()
        .get(PROFILE_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("primary")
        .to_owned();
    let route = format!("{} {}", req.method(), req.uri().path());
    let x_api_key = x_api_key(req.headers());
    let late = route == "POST /api/post" && rec.late_replies.load(Ordering::SeqCst);
    let call = Call {
        at: Instant::now(),
        profile,
        timed_out: late || rec.sim.config().latency >= rec.client_timeout,
        late_reply: late,
        route,
        status: None,
        in_burst: rec.burst.load(Ordering::SeqCst),
        x_api_key,
    };
    let index = {
        let mut calls = rec.calls.lock().unwrap();
        calls.push(call);
        calls.len() - 1
    };
    let response = next.run(req).await;
    rec.calls.lock().unwrap()[index].status = Some(response.status().as_u16());
    if late {
        tokio::time::sleep(rec.client_timeout * 2).await;
    }
    response
}

/// The X API key a call carried, when it carried both X headers.
fn x_api_key(headers: &axum::http::HeaderMap) -> Option<String> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    header(ayrshare::X_API_KEY_HEADER).filter(|_| header(ayrshare::X_API_SECRET_HEADER).is_some())
}

/// A simulator on a loopback port, recorded. Dropping it stops the server.
pub struct RecordedSim {
    pub sim: Simulator,
    pub recorder: Arc<Recorder>,
    pub addr: std::net::SocketAddr,
    _stop: oneshot::Sender<()>,
}

impl RecordedSim {
    /// `client_timeout` is the Ayrshare timeout of the Herald under test: a latency at or
    /// above it marks calls as timed out.
    pub async fn spawn(config: SimConfig, client_timeout: Duration) -> Self {
        let sim = Simulator::new(config);
        let recorder = Arc::new(Recorder {
            sim: sim.clone(),
            client_timeout,
            burst: AtomicBool::new(false),
            late_replies: AtomicBool::new(false),
            calls: Mutex::default(),
        });
        let router = sim.router().layer(middleware::from_fn_with_state(recorder.clone(), record));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind simulator");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Self { sim, recorder, addr, _stop: stop }
    }

    /// The Ayrshare base URL for Herald.
    pub fn base_url(&self) -> String {
        format!("{}/api", self.root_url())
    }

    /// `http://127.0.0.1:PORT`, for the simulator's own `/__sim` routes.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}
