//! `herald serve --demo` as a newcomer runs it: the binary in sandbox mode (no Ayrshare
//! key, the built-in simulator), its terminal output read in the order it was written,
//! then stopped and started again on the same database.

use crate::support::process::free_port;
use crate::support::{send, ADMIN};
use reqwest::Method;
use serde_json::json;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// `herald serve --demo` on `dir/herald.db`, stdout and stderr into one file (so their
/// order is kept): (child, its URL, the output file).
fn start_demo(dir: &Path, name: &str) -> (Child, String, std::path::PathBuf) {
    let port = free_port();
    let log = dir.join(format!("{name}.out"));
    let out = std::fs::File::create(&log).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["serve", "--demo"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", dir.join("herald.db"))
        .env("HERALD_BIND", format!("127.0.0.1:{port}"))
        .env("HERALD_ADMIN_TOKEN", ADMIN)
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    (child, format!("http://127.0.0.1:{port}"), log)
}

/// The output once its last line (the admin token) is out.
async fn output_when_started(log: &Path) -> Vec<String> {
    for _ in 0..600 {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if text.contains("Admin token: ") {
            return text.lines().map(str::to_owned).collect();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the demo never finished starting:\n{}", std::fs::read_to_string(log).unwrap());
}

/// SIGTERM, then waits for the exit.
async fn stop(mut child: Child) {
    let pid = child.id().unwrap().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().await.unwrap();
    assert!(sent.success());
    let status =
        tokio::time::timeout(Duration::from_secs(20), child.wait()).await.unwrap().unwrap();
    assert!(status.success(), "herald exits cleanly on SIGTERM: {status:?}");
}

fn position(lines: &[String], what: &str) -> usize {
    lines
        .iter()
        .position(|l| l.contains(what))
        .unwrap_or_else(|| panic!("no `{what}` in:\n{}", lines.join("\n")))
}

/// A log line of `tracing` (a level, maybe coloured), as opposed to what the demo prints.
fn is_log(line: &str) -> bool {
    line.starts_with("\u{1b}[")
        || ["Z  INFO ", "Z  WARN ", "Z ERROR ", "Z DEBUG "].iter().any(|l| line.contains(l))
}

#[tokio::test]
async fn the_demo_prints_a_summary_then_the_url_and_the_sign_ins_last_after_few_log_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (child, _, log) = start_demo(dir.path(), "first");
    let lines = output_when_started(&log).await;
    let summary = position(&lines, "Demo workspace seeded: 4 users, 31 posts (");
    let listening = position(&lines, "Herald listening on http://");
    let workspace = position(&lines, "Demo workspace: http://");
    let sign_ins: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("password: "))
        .map(|(i, _)| i)
        .collect();
    let token = position(&lines, "Admin token: ");
    assert_eq!(sign_ins.len(), 4, "one sign-in per role:\n{}", lines.join("\n"));
    assert!(summary < listening && listening < workspace && workspace < sign_ins[0]);
    assert!(sign_ins[3] < token, "{}", lines.join("\n"));
    let logs_between = lines[summary..token].iter().filter(|l| is_log(l)).count();
    assert_eq!(logs_between, 0, "log lines among the demo's:\n{}", lines.join("\n"));
    let logs_before = lines[..summary].iter().filter(|l| is_log(l)).count();
    assert!(logs_before >= 1, "the sandbox warning is a log line:\n{}", lines.join("\n"));
    assert!(logs_before <= 5, "{logs_before} log lines before the summary:\n{}", lines.join("\n"));
    stop(child).await;
}

#[tokio::test]
async fn a_restarted_demo_still_publishes_through_the_built_in_simulator() {
    let dir = tempfile::tempdir().unwrap();
    let (child, _, log) = start_demo(dir.path(), "first");
    output_when_started(&log).await;
    stop(child).await;

    let (_child, url, log) = start_demo(dir.path(), "second");
    let lines = output_when_started(&log).await;
    position(&lines, "Demo workspace already present");
    let http = reqwest::Client::new();
    let workspaces = send(&http, &url, Method::GET, "/api/workspaces", Some(ADMIN), None)
        .await
        .unwrap()
        .expect(200);
    let ws = workspaces
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "Demo")
        .expect("the demo workspace")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let no_approval = json!({"requires_approval": false});
    send(
        &http,
        &url,
        Method::PATCH,
        &format!("/api/workspaces/{ws}"),
        Some(ADMIN),
        Some(&no_approval),
    )
    .await
    .unwrap()
    .expect(200);
    let body = json!({"text": "Published after a restart", "platforms": ["twitter", "linkedin"]});
    let posts = format!("/api/workspaces/{ws}/posts");
    let post = send(&http, &url, Method::POST, &posts, Some(ADMIN), Some(&body))
        .await
        .unwrap()
        .expect(201);
    let path = format!("{posts}/{}", post["id"].as_str().unwrap());
    let mut seen = post;
    for _ in 0..200 {
        if seen["status"] != "publishing" && seen["status"] != "scheduled" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        seen = send(&http, &url, Method::GET, &path, Some(ADMIN), None).await.unwrap().expect(200);
    }
    assert_eq!(seen["status"], "published", "after a restart: {seen}");
    let restarted = std::fs::read_to_string(&log).unwrap();
    assert!(
        restarted.contains("re-created the Ayrshare profile of every workspace"),
        "{restarted}"
    );
}
