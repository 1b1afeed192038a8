//! Secrets never show: the Ayrshare API key, profile keys, the webhook secret, the admin
//! token, the cron secret and workspace tokens appear in no log line (captured at TRACE),
//! no response and no error message, on the happy path and on failure paths (bad tokens,
//! bad webhook signatures, an Ayrshare that echoes the keys it was sent in its errors),
//! and not in `Debug` of the configuration.

use crate::support::*;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use herald::app::startup::Application;
use herald::commands::config::ServeArgs;
use herald::foundation::secret::Secret;
use reqwest::Method;
use serde_json::{json, Value};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    /// Installs a TRACE-level subscriber for this thread that writes into the capture.
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let sink = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || sink.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Every task of this test runs on its one thread, so a thread-local subscriber at
/// TRACE level sees every log line Herald, the client and the simulator write.
#[tokio::test(flavor = "current_thread")]
async fn the_profile_key_never_appears_whole_in_responses_or_logs() {
    let capture = Capture::default();
    let _guard = capture.install();

    let app = spawn_app().await;
    let key = profile_key("secretive");
    let ws = app.create_workspace("secretive", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let mut responses = String::new();
    let created = app
        .create_post(
            &ws,
            &editor,
            json!({"text": "published with a secret key", "platforms": ["twitter"]}),
        )
        .await
        .expect(201);
    responses.push_str(&created.to_string());
    app.sim.sim.update_config(|c| c.fail_platforms = vec!["twitter".into()]);
    let failed = app
        .create_post(&ws, &editor, json!({"text": "fails", "platforms": ["twitter"]}))
        .await
        .expect(201);
    responses.push_str(&failed.to_string());
    for path in [
        format!("/api/workspaces/{ws}"),
        "/api/workspaces".to_owned(),
        format!("/api/workspaces/{ws}/posts"),
    ] {
        responses.push_str(
            &app.call(Method::GET, &path, Some(ADMIN), None).await.expect(200).to_string(),
        );
    }
    let patched = app
        .call(
            Method::PATCH,
            &format!("/api/workspaces/{ws}"),
            Some(ADMIN),
            Some(json!({"ayrshare_profile_key": key.clone() + "-rotated"})),
        )
        .await
        .expect(200);
    responses.push_str(&patched.to_string());
    assert!(patched["profile_key_hint"].as_str().unwrap().ends_with("..."));

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.len() > 1000, "the capture saw the logs ({} bytes)", logs.len());
    assert!(!responses.contains(&key), "profile key in a response");
    assert!(!logs.contains(&key), "profile key in the logs");
    assert!(!logs.contains(ADMIN) && !logs.contains(&editor), "a token in the logs");
}

const AYR_KEY: &str = "AYR-SECRET-KEY-7f3e9a1c5b";
const PROFILE: &str = "PROFILE-SECRET-KEY-2d8b4f6a0e";
const ROTATED: &str = "PROFILE-SECRET-KEY-ROTATED-9c1e";

/// A hostile Ayrshare: every answer is an error that echoes the API key and the profile
/// key it was sent, as JSON in every place Herald's client reads messages from, or as HTML.
async fn echoing_ayrshare() -> String {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().fallback(move |headers: HeaderMap| {
        let n = calls.fetch_add(1, Ordering::SeqCst);
        async move {
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let (auth, profile) = (header("authorization"), header("profile-key"));
            let status = [400, 401, 403, 429, 500, 502][n % 6];
            let status = StatusCode::from_u16(status).unwrap();
            if n % 4 == 3 {
                return (status, format!("<html>bad key {auth} for {profile}</html>")).into_response();
            }
            let body = json!({"status": "error", "code": 102, "message": format!("API Key {auth} not valid for Profile Key {profile}"),
                "errors": [{"platform": "twitter", "code": 156, "message": format!("profile {profile}")}],
                "posts": [{"status": "error", "errors": [{"message": auth}]}]});
            (status, axum::Json(body)).into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// Status and text of one answer: the body, then a line with the headers.
async fn text_of(req: reqwest::RequestBuilder) -> (u16, String) {
    let res = req.send().await.expect("request sent");
    let status = res.status().as_u16();
    let headers = format!("{:?}", res.headers());
    (status, format!("{}\n{headers}", res.text().await.unwrap_or_default()))
}

#[tokio::test(flavor = "current_thread")]
async fn no_secret_appears_in_logs_responses_errors_or_debug_even_on_failure_paths() {
    let capture = Capture::default();
    let _guard = capture.install();
    let db = tempfile::tempdir().unwrap();
    let mut args = ServeArgs::for_tests(db.path().join("herald.db").to_str().unwrap());
    args.admin_token = Some(Secret::new(ADMIN));
    args.cron_secret = Some(Secret::new(CRON));
    args.ayrshare.ayrshare_api_key = Some(Secret::new(AYR_KEY));
    args.ayrshare.ayrshare_base_url = echoing_ayrshare().await;
    args.ayrshare.ayrshare_webhook_secret = Some(Secret::new(HOOK_SECRET));
    args.ayrshare.ayrshare_timeout_ms = 2_000;
    args.ayrshare.x_api_key = Some(Secret::new(X_KEY));
    args.ayrshare.x_api_secret = Some(Secret::new(X_SECRET));
    args.scheduler_interval_ms = 0;
    args.publish.publish_attempts = 2;
    args.publish.publish_backoff_ms = 5;
    let mut shown = format!("{args:?}");
    let app = Application::build(args).await.expect("app builds");
    shown.push_str(&format!("{:?}", app.admin_token()));
    let url = format!("http://{}", app.local_addr());
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();
    let mut responses = Vec::new();

    let ws =
        json!({"name": "hostile", "ayrshare_profile_key": PROFILE, "requires_approval": false});
    let (status, created) =
        text_of(http.post(format!("{url}/api/workspaces")).bearer_auth(ADMIN).json(&ws)).await;
    assert_eq!(status, 201, "{created}");
    let ws = serde_json::from_str::<Value>(created.lines().next().unwrap()).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    responses.push(created);
    let mut tokens = Vec::new();
    for role in ["editor", "admin"] {
        let res: Value = http
            .post(format!("{url}/api/workspaces/{ws}/tokens"))
            .bearer_auth(ADMIN)
            .json(&json!({"role": role}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        tokens.push(res["token"].as_str().unwrap().to_owned());
        responses.push(json!({"id": res["id"], "role": res["role"]}).to_string());
    }
    let (editor, ws_admin) = (tokens[0].clone(), tokens[1].clone());

    // Ayrshare fails every call and echoes the keys: publishing now, the dashboard read.
    let post = json!({"text": "to a hostile upstream", "platforms": ["twitter"]});
    let (status, published) = text_of(
        http.post(format!("{url}/api/workspaces/{ws}/posts")).bearer_auth(&editor).json(&post),
    )
    .await;
    assert!(
        published.contains("\"failed\"") || status >= 500,
        "the publish failed: {status} {published}"
    );
    responses.push(published);
    responses.push(
        text_of(http.get(format!("{url}/api/workspaces/{ws}/history")).bearer_auth(&editor))
            .await
            .1,
    );
    responses.push(
        text_of(http.get(format!("{url}/api/workspaces/{ws}/posts")).bearer_auth(&editor)).await.1,
    );

    // Bad tokens: near misses of real ones, the wrong scheme, a revoked token.
    for bad in [
        format!("Bearer {ADMIN}x"),
        format!("Bearer {}", &editor[..editor.len() - 1]),
        format!("Basic {ADMIN}"),
        format!("Bearer {CRON}"),
    ] {
        let (status, body) =
            text_of(http.get(format!("{url}/api/workspaces")).header("authorization", bad)).await;
        assert_eq!(status, 401, "{body}");
        responses.push(body);
    }
    let (status, body) =
        text_of(http.post(format!("{url}/api/scheduler/run")).bearer_auth(&editor)).await;
    assert_eq!(status, 401, "{body}");
    responses.push(body);

    // Bad webhook signatures, and a signed body Herald cannot read.
    let hook = json!({"action": "scheduled", "id": "x", "hookId": "h1"}).to_string();
    let signed_with =
        |secret: &str, body: &str| ayrshare_sim::sign_webhook(secret, body.as_bytes());
    for signature in
        [signed_with("wrong-secret", &hook), HOOK_SECRET.to_owned(), signed_with(HOOK_SECRET, "{}")]
    {
        let req = http
            .post(format!("{url}/api/webhooks/ayrshare"))
            .header(ayrshare_sim::WEBHOOK_SIGNATURE_HEADER, signature)
            .body(hook.clone());
        let (status, body) = text_of(req).await;
        assert_eq!(status, 401, "{body}");
        responses.push(body);
    }
    // The signature is checked before the body is parsed: unreadable JSON is 401 unsigned, 400 signed.
    let garbage = r#"{"action": 5"#;
    for (signature, expected) in
        [(signed_with("wrong-secret", garbage), 401), (signed_with(HOOK_SECRET, garbage), 400)]
    {
        let req = http
            .post(format!("{url}/api/webhooks/ayrshare"))
            .header(ayrshare_sim::WEBHOOK_SIGNATURE_HEADER, signature)
            .body(garbage);
        let (status, body) = text_of(req).await;
        assert_eq!(status, expected, "{body}");
        responses.push(body);
    }

    // Rotating the profile key answers with a hint of the new one only.
    let patch = json!({"ayrshare_profile_key": ROTATED});
    let (status, body) = text_of(
        http.patch(format!("{url}/api/workspaces/{ws}")).bearer_auth(&ws_admin).json(&patch),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    responses.push(body);
    responses.push(
        text_of(
            http.post(format!("{url}/api/workspaces/{ws}/posts")).bearer_auth(&editor).json(&post),
        )
        .await
        .1,
    );

    let logs = capture.text();
    assert!(logs.contains("ayrshare response"), "the capture saw the Ayrshare calls");
    let responses = responses.join("\n");
    let secrets =
        [AYR_KEY, PROFILE, ROTATED, HOOK_SECRET, ADMIN, CRON, &editor, &ws_admin, X_KEY, X_SECRET];
    for secret in secrets {
        assert!(!logs.contains(secret), "{secret} in the logs");
        assert!(!responses.contains(secret), "{secret} in a response");
        assert!(!shown.contains(secret), "{secret} in Debug of the configuration: {shown}");
    }
}
