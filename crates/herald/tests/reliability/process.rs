//! The real `herald serve` binary as a child process: SQLite database in a directory
//! the test owns, Ayrshare pointing at a simulator in the test process (so it outlives
//! the crash), a free loopback port, logs in a file next to the database. Per-token
//! request rate limiting is off: the test's own verification reads are many.

use crate::helpers::{ADMIN, CRON, SIM_KEY};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

pub struct Herald {
    pub url: String,
    child: Child,
    pub log: PathBuf,
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Herald {
    /// Starts `herald serve` on `dir/herald.db` and waits until `/healthz` answers.
    /// `generation` numbers the log file.
    pub async fn start(dir: &Path, sim_base_url: &str, generation: usize) -> Self {
        let port = free_port();
        let log = dir.join(format!("herald-{generation}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", dir.join("herald.db"))
            .env("HERALD_BIND", format!("127.0.0.1:{port}"))
            .env("HERALD_ADMIN_TOKEN", ADMIN)
            .env("HERALD_CRON_SECRET", CRON)
            .env("AYRSHARE_API_KEY", SIM_KEY)
            .env("AYRSHARE_BASE_URL", sim_base_url)
            .env("HERALD_AYRSHARE_TIMEOUT_MS", "2000")
            .env("HERALD_PUBLISH_LEASE_SECS", "1")
            .env("HERALD_PUBLISH_BACKOFF_MS", "20")
            .env("HERALD_SCHEDULER_INTERVAL_MS", "100")
            .env("HERALD_RATE_LIMIT_PER_MINUTE", "0")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .kill_on_drop(true)
            .spawn()
            .expect("herald binary starts");
        let herald = Herald { url: format!("http://127.0.0.1:{port}"), child, log };
        herald.wait_ready().await;
        herald
    }

    async fn wait_ready(&self) {
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
}
