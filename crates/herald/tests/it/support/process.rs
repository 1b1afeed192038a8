//! The real `herald serve` binary as a child process, for what only a process shows: its
//! start-up checks, listeners, connections and memory, and surviving a SIGKILL. SQLite in
//! a directory the test owns (kept across restarts), Ayrshare pointing at a simulator in
//! the test process (so it outlives a crash), a free loopback port, the log in a file.

use super::{ADMIN, CRON, HOOK_SECRET, SIM_KEY, X_KEY, X_SECRET};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

pub struct Herald {
    pub url: String,
    pub port: u16,
    pub child: Child,
    pub log: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `herald serve` on a database in a new directory, with the test defaults plus `env`
/// (later entries win); not waited for.
pub fn spawn(sim_base_url: &str, env: &[(&str, String)]) -> Herald {
    let dir = tempfile::tempdir().unwrap();
    let mut herald = spawn_in(dir.path(), "herald", sim_base_url, env);
    herald._dir = Some(dir);
    herald
}

/// `herald serve` on `dir/herald.db`, logging to `dir/{name}.log`; not waited for.
pub fn spawn_in(dir: &Path, name: &str, sim_base_url: &str, env: &[(&str, String)]) -> Herald {
    let port = free_port();
    let log = dir.join(format!("{name}.log"));
    let out = std::fs::File::create(&log).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_herald"));
    cmd.arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", dir.join("herald.db"))
        .env("HERALD_BIND", format!("127.0.0.1:{port}"))
        .env("HERALD_ADMIN_TOKEN", ADMIN)
        .env("HERALD_CRON_SECRET", CRON)
        .env("AYRSHARE_WEBHOOK_SECRET", HOOK_SECRET)
        .env("AYRSHARE_API_KEY", SIM_KEY)
        .env("AYRSHARE_BASE_URL", sim_base_url)
        .env("AYRSHARE_X_API_KEY", X_KEY)
        .env("AYRSHARE_X_API_SECRET", X_SECRET)
        .env("HERALD_SCHEDULER_INTERVAL_MS", "0")
        .env("HERALD_RATE_LIMIT_PER_MINUTE", "0")
        .env("HERALD_AUTH_FAILURES_PER_MINUTE", "0")
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
    Herald { url: format!("http://127.0.0.1:{port}"), port, child, log, _dir: None }
}

/// [`spawn`], once `/healthz` answers.
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

    /// SIGKILL: no shutdown hook, no drain, no flush.
    pub async fn kill(mut self) {
        self.child.start_kill().expect("SIGKILL sent");
        let status = self.child.wait().await.expect("herald reaped");
        assert!(!status.success(), "herald was killed, not stopped: {status:?}");
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Resident memory of the process, in bytes (from `/proc`).
    pub fn rss_bytes(&self) -> u64 {
        self.status_bytes("VmRSS:")
    }

    /// The most resident memory the process has had so far, in bytes (from `/proc`).
    pub fn peak_rss_bytes(&self) -> u64 {
        self.status_bytes("VmHWM:")
    }

    fn status_bytes(&self, field: &str) -> u64 {
        let pid = self.child.id().expect("running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let line = status.lines().find(|l| l.starts_with(field)).expect(field);
        let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kb * 1024
    }
}
