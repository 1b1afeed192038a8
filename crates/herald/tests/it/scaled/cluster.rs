//! The environment of one scaled test and the Herald processes in it.
//!
//! [`scenario`] checks which services the machine offers (or reports the test skipped),
//! takes the heavy-test turn ([`crate::support::heavy`]), creates a fresh PostgreSQL database and an Ayrshare
//! simulator, runs the test body, then drops the database and the test's Redis keys,
//! also when the body panicked. [`Env::start`] runs `herald serve` as a child process
//! (killed when dropped) on a port the OS picks, read back from its
//! `Herald listening on http://…` line, and waits until `/readyz` answers 200.

use ayrshare_sim::{SimConfig, SimHandle, Simulator};
use sqlx::{Connection, Executor, PgConnection};
use std::collections::VecDeque;
use std::future::Future;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;
use tokio::time::Instant;

pub use crate::support::services::skipped;
pub use crate::support::{ADMIN, SIM_KEY};

/// How long a process gets to print its address and become ready.
const START_DEADLINE: Duration = Duration::from_secs(30);
/// Lines of a process's output kept for failure messages.
const LOG_LINES: usize = 300;

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// What a scenario gets: its database, Redis, namespace and simulator.
pub struct Env {
    /// `postgres://…/herald_scaled_<uuid>`, the test's own database.
    pub database_url: String,
    /// The Redis instances are given (`None`: in-process cache only).
    pub redis_url: Option<String>,
    /// `HERALD_CACHE_NAMESPACE` of every instance of this test.
    pub namespace: String,
    /// The one Ayrshare every instance talks to.
    pub sim: SimHandle,
}

/// Runs `body` in a fresh environment, or reports `test` skipped when
/// `HERALD_TEST_DATABASE_URL` (or, with `redis`, `HERALD_TEST_REDIS_URL`) is not set.
pub async fn scenario<F, Fut>(test: &str, redis: bool, sim: SimConfig, body: F)
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(admin_url) = var("HERALD_TEST_DATABASE_URL") else {
        return skipped(test, "HERALD_TEST_DATABASE_URL not set");
    };
    let redis_url = var("HERALD_TEST_REDIS_URL");
    if redis && redis_url.is_none() {
        return skipped(test, "HERALD_TEST_REDIS_URL not set");
    }
    let _turn = crate::support::heavy::heavy().await;
    let name = format!("herald_scaled_{}", uuid::Uuid::new_v4().simple());
    admin_sql(&admin_url, &format!("CREATE DATABASE {name}"))
        .await
        .expect("create the test database");
    let mut url = url::Url::parse(&admin_url).expect("HERALD_TEST_DATABASE_URL is a URL");
    url.set_path(&name);
    let namespace = format!("herald-scaled-{}", uuid::Uuid::new_v4().simple());
    let sim = Simulator::spawn(SimConfig { api_key: Some(SIM_KEY.into()), ..sim })
        .await
        .expect("simulator");
    let env = Env {
        database_url: url.to_string(),
        redis_url: redis.then_some(redis_url.clone()).flatten(),
        namespace: namespace.clone(),
        sim,
    };
    let outcome = tokio::spawn(body(env)).await;
    let _ = admin_sql(&admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    if let Some(redis_url) = redis_url.filter(|_| redis) {
        forget_namespace(&redis_url, &namespace).await;
    }
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn admin_sql(admin_url: &str, sql: &str) -> Result<(), sqlx::Error> {
    let mut admin = PgConnection::connect(admin_url).await?;
    admin.execute(sql).await?;
    admin.close().await
}

/// Removes the test's keys from the shared Redis (best effort; never FLUSHALL).
async fn forget_namespace(redis_url: &str, namespace: &str) {
    let Ok(client) = redis::Client::open(redis_url) else { return };
    let Ok(mut conn) = client.get_multiplexed_async_connection().await else { return };
    let mut cursor: u64 = 0;
    loop {
        let scanned: redis::RedisResult<(u64, Vec<String>)> = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{namespace}:*"))
            .arg("COUNT")
            .arg(1000)
            .query_async(&mut conn)
            .await;
        let Ok((next, keys)) = scanned else { return };
        if !keys.is_empty() {
            let _: redis::RedisResult<u64> =
                redis::cmd("DEL").arg(&keys).query_async(&mut conn).await;
        }
        if next == 0 {
            return;
        }
        cursor = next;
    }
}

impl Env {
    /// A direct connection to the test's database (for assertions, never through Herald).
    pub async fn sql(&self) -> PgConnection {
        PgConnection::connect(&self.database_url).await.expect("connect to the test database")
    }

    /// Starts `count` instances at once, named `a`, `b`, `c`, …, all with `overrides`.
    pub async fn start_cluster(&self, count: usize, overrides: &[(&str, String)]) -> Vec<Instance> {
        let names: Vec<String> =
            (0..count).map(|i| ((b'a' + i as u8) as char).to_string()).collect();
        futures::future::join_all(names.iter().map(|n| self.start(n, overrides))).await
    }

    /// Runs `herald serve` with this environment's variables (`overrides` replace or add
    /// some; an empty value removes one) and waits until it is ready.
    pub async fn start(&self, name: &str, overrides: &[(&str, String)]) -> Instance {
        let mut vars: Vec<(&str, String)> = vec![
            ("HERALD_BIND", "127.0.0.1:0".into()),
            ("DATABASE_URL", self.database_url.clone()),
            ("HERALD_CACHE_NAMESPACE", self.namespace.clone()),
            ("HERALD_ADMIN_TOKEN", ADMIN.into()),
            ("AYRSHARE_API_KEY", SIM_KEY.into()),
            ("AYRSHARE_BASE_URL", self.sim.base_url()),
            ("HERALD_AYRSHARE_TIMEOUT_MS", "5000".into()),
            ("AYRSHARE_X_API_KEY", crate::support::X_KEY.into()),
            ("AYRSHARE_X_API_SECRET", crate::support::X_SECRET.into()),
            // Herald's budget is the plan's limit, which the simulator enforces.
            ("HERALD_AYRSHARE_BUDGET", budget_of(&self.sim)),
            ("HERALD_SCHEDULER_INTERVAL_MS", "200".into()),
            ("HERALD_PUBLISH_BACKOFF_MS", "20".into()),
            // Load tests send far more than a person would; the per-caller limit is not under test.
            ("HERALD_RATE_LIMIT_PER_MINUTE", "0".into()),
            ("RUST_LOG", "herald=info,herald_cache=info,warn".into()),
        ];
        vars.extend(self.redis_url.clone().map(|r| ("REDIS_URL", r)));
        for (key, value) in overrides {
            vars.retain(|(k, _)| k != key);
            if !value.is_empty() {
                vars.push((key, value.clone()));
            }
        }
        Instance::spawn(name, &vars).await
    }
}

/// `HERALD_AYRSHARE_BUDGET` for the simulator's own per-profile limit.
pub fn budget_of(sim: &SimHandle) -> String {
    let limit = sim.sim.config().rate_limit;
    format!("{}/{}", limit.max, limit.window.as_secs().max(1))
}

type Log = Arc<Mutex<VecDeque<String>>>;

/// One `herald serve` process.
pub struct Instance {
    pub name: String,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    child: Child,
    log: Log,
}

impl Instance {
    async fn spawn(name: &str, vars: &[(&str, String)]) -> Instance {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_herald"));
        cmd.arg("serve")
            .kill_on_drop(true)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, _) in std::env::vars() {
            if ["HERALD_", "AYRSHARE_", "SIM_"].iter().any(|p| key.starts_with(p))
                || key == "DATABASE_URL"
                || key == "REDIS_URL"
            {
                cmd.env_remove(key);
            }
        }
        cmd.envs(vars.iter().map(|(k, v)| (*k, v.as_str())));
        let mut child = cmd.spawn().expect("start `herald serve`");
        let log = Log::default();
        let (tx, rx) = oneshot::channel();
        tokio::spawn(drain(child.stdout.take().expect("stdout"), log.clone(), Some(tx)));
        tokio::spawn(drain(child.stderr.take().expect("stderr"), log.clone(), None));
        let deadline = Instant::now() + START_DEADLINE;
        let url = match tokio::time::timeout_at(deadline, rx).await {
            Ok(Ok(url)) => url,
            _ => panic!("instance {name} printed no address; its output:\n{}", tail(&log, 40)),
        };
        let instance = Instance { name: name.into(), url, child, log };
        instance.wait_ready(deadline).await;
        instance
    }

    /// Polls `/readyz` until it answers 200.
    async fn wait_ready(&self, deadline: Instant) {
        let http = reqwest::Client::new();
        loop {
            let res = http
                .get(format!("{}/readyz", self.url))
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if res.is_ok_and(|r| r.status() == 200) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "instance {} never became ready; its output:\n{}",
                self.name,
                self.log_tail(40)
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL: no draining, no graceful shutdown; its claims stay behind.
    pub async fn kill(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }

    /// SIGTERM: a graceful stop (requests in flight finish, streams end); waits for the exit.
    pub async fn terminate(&mut self) {
        if let Some(pid) = self.child.id() {
            let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status().await;
        }
        let _ = self.child.wait().await;
    }

    /// Sends `signal` (`STOP`, `CONT`, …) to the process.
    pub async fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("the instance runs").to_string();
        let sent = Command::new("kill").args([format!("-{signal}"), pid]).status().await;
        assert!(sent.is_ok_and(|s| s.success()), "kill -{signal} {}", self.name);
    }

    /// The last `n` lines the process printed.
    pub fn log_tail(&self, n: usize) -> String {
        tail(&self.log, n)
    }
}

/// Keeps a process's output (so its pipe never fills) and reports its address.
async fn drain(
    out: impl AsyncRead + Unpin,
    log: Log,
    mut address: Option<oneshot::Sender<String>>,
) {
    let mut lines = BufReader::new(out).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(url) = line.split("Herald listening on ").nth(1) {
            if let Some(tx) = address.take() {
                let _ = tx.send(url.trim().to_owned());
            }
        }
        let mut log = log.lock().unwrap();
        log.push_back(line);
        if log.len() > LOG_LINES {
            log.pop_front();
        }
    }
}

fn tail(log: &Log, n: usize) -> String {
    let log = log.lock().unwrap();
    log.iter().skip(log.len().saturating_sub(n)).cloned().collect::<Vec<_>>().join("\n")
}
