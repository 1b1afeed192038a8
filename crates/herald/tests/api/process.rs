//! The real `herald serve` binary as a child process, for what only a process shows:
//! its start-up checks, its listeners, its connections and its memory. SQLite in a
//! directory the test owns, Ayrshare pointing at a simulator in the test process, a free
//! loopback port; extra environment variables per test.

use crate::helpers::{ADMIN, CRON, HOOK_SECRET};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

pub const SIM_KEY: &str = "SIM-API-KEY-0123456789";

pub struct Herald {
    pub url: String,
    pub port: u16,
    pub child: Child,
    pub log: PathBuf,
    _dir: tempfile::TempDir,
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `herald serve` with the test defaults plus `env` (later entries win), not yet ready.
pub fn spawn(sim_base_url: &str, env: &[(&str, String)]) -> Herald {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let log = dir.path().join("herald.log");
    let out = std::fs::File::create(&log).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_herald"));
    cmd.arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", dir.path().join("herald.db"))
        .env("HERALD_BIND", format!("127.0.0.1:{port}"))
        .env("HERALD_ADMIN_TOKEN", ADMIN)
        .env("HERALD_CRON_SECRET", CRON)
        .env("AYRSHARE_WEBHOOK_SECRET", HOOK_SECRET)
        .env("AYRSHARE_API_KEY", SIM_KEY)
        .env("AYRSHARE_BASE_URL", sim_base_url)
        .env("HERALD_SCHEDULER_INTERVAL_MS", "0")
        .env("HERALD_RATE_LIMIT_PER_MINUTE", "0")
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .kill_on_drop(true)
        .spawn()
        .expect("herald binary starts");
    Herald { url: format!("http://127.0.0.1:{port}"), port, child, log, _dir: dir }
}

/// `herald serve` as [`spawn`], once `/healthz` answers.
pub async fn start(sim_base_url: &str, env: &[(&str, String)]) -> Herald {
    let herald = spawn(sim_base_url, env);
    herald.wait_ready().await;
    herald
}

impl Herald {
    pub async fn wait_ready(&self) {
        let http = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = http.get(format!("{}/healthz", self.url)).send().await {
                if r.status() == 200 {
                    return;
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "herald did not start; log:\n{}",
                self.log_text()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Resident memory of the process, in bytes (from `/proc`).
    pub fn rss_bytes(&self) -> u64 {
        let pid = self.child.id().expect("running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS");
        let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kb * 1024
    }
}
