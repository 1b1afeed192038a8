//! Profile keys are secrets: never whole in a response or a log line.

use crate::helpers::*;
use reqwest::Method;
use serde_json::json;
use std::io::Write;
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

/// Every task of this test runs on its one thread, so a thread-local subscriber at
/// TRACE level sees every log line Herald, the client and the simulator write.
#[tokio::test(flavor = "current_thread")]
async fn the_profile_key_never_appears_whole_in_responses_or_logs() {
    let capture = Capture::default();
    let sink = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = spawn_app().await;
    let key = TestApp::profile_key("secretive");
    let ws = app.create_workspace("secretive", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let mut responses = String::new();
    let created = app.create_post(&ws, &editor, json!({"text": "published with a secret key", "platforms": ["twitter"]})).await.expect(201);
    responses.push_str(&created.to_string());
    app.sim.sim.update_config(|c| c.fail_platforms = vec!["twitter".into()]);
    let failed = app.create_post(&ws, &editor, json!({"text": "fails", "platforms": ["twitter"]})).await.expect(201);
    responses.push_str(&failed.to_string());
    for path in [format!("/api/workspaces/{ws}"), "/api/workspaces".to_owned(), format!("/api/workspaces/{ws}/posts")] {
        responses.push_str(&app.call(Method::GET, &path, Some(ADMIN), None).await.expect(200).to_string());
    }
    let patched = app.call(Method::PATCH, &format!("/api/workspaces/{ws}"), Some(ADMIN), Some(json!({"ayrshare_profile_key": key.clone() + "-rotated"}))).await.expect(200);
    responses.push_str(&patched.to_string());
    assert!(patched["profile_key_hint"].as_str().unwrap().ends_with("..."));

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.len() > 1000, "the capture saw the logs ({} bytes)", logs.len());
    assert!(!responses.contains(&key), "profile key in a response");
    assert!(!logs.contains(&key), "profile key in the logs");
    assert!(!logs.contains(ADMIN) && !logs.contains(&editor), "a token in the logs");
}
