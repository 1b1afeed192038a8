//! Test harness: builds the cache each test runs against (local, or Redis on a
//! namespace unique to the test and deleted afterwards) and small sync helpers.

use std::future::Future;
use std::io::Write as _;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use herald_cache::{Cache, CacheConfig};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

/// Which tier a both-tier spec runs on.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Local,
    Redis,
}

/// `HERALD_TEST_REDIS_URL`, if set.
pub fn redis_url() -> Option<String> {
    std::env::var("HERALD_TEST_REDIS_URL").ok().filter(|url| !url.is_empty())
}

/// Prints the skip notice and returns `None` when Redis tests cannot run.
pub fn redis_or_skip() -> Option<String> {
    let url = redis_url();
    if url.is_none() {
        // Written to the real stderr, past the test harness's capture, so CI sees it.
        let _ = writeln!(std::io::stderr(), "skipped: HERALD_TEST_REDIS_URL not set");
    }
    url
}

/// The cache a spec runs against, plus its Redis namespace (Redis tier only).
pub struct Harness {
    pub cache: Cache,
    pub ns: Option<Ns>,
}

impl Harness {
    /// The configuration of this harness's tier (Redis: its namespace), to build
    /// another instance of it with `Cache::new`.
    pub fn config(&self) -> CacheConfig {
        self.ns.as_ref().map_or_else(CacheConfig::default, Ns::config)
    }
}

pub async fn harness(kind: Kind) -> Option<Harness> {
    match kind {
        Kind::Local => Some(Harness { cache: Cache::local(Duration::from_secs(120)), ns: None }),
        Kind::Redis => {
            let ns = Ns::new(redis_or_skip()?);
            let cache = ns.cache().await;
            Some(Harness { cache, ns: Some(ns) })
        }
    }
}

/// A Redis namespace unique to one test; its keys are deleted when it is dropped.
pub struct Ns {
    pub name: String,
    pub url: String,
}

impl Ns {
    pub fn new(url: String) -> Self {
        Self { name: format!("herald-cache-test-{}", uuid::Uuid::new_v4()), url }
    }

    pub fn config(&self) -> CacheConfig {
        CacheConfig {
            redis_url: Some(self.url.clone()),
            namespace: self.name.clone(),
            ..CacheConfig::default()
        }
    }

    /// A new instance on this namespace; fails the test if it starts degraded.
    pub async fn cache(&self) -> Cache {
        self.cache_with(self.config()).await
    }

    /// A new instance on this namespace whose read lease is `lease` (zero: none).
    pub async fn cache_leased(&self, lease: Duration) -> Cache {
        self.cache_with(CacheConfig { read_lease: lease, ..self.config() }).await
    }

    async fn cache_with(&self, config: CacheConfig) -> Cache {
        let cache = Cache::new(config).await;
        assert_eq!(
            cache.tier(),
            herald_cache::Tier::Redis { healthy: true },
            "test Redis unreachable"
        );
        cache
    }

    fn connection(&self) -> redis::Connection {
        redis::Client::open(self.url.as_str()).unwrap().get_connection().unwrap()
    }

    fn keys(&self, pattern: &str) -> Vec<String> {
        let mut conn = self.connection();
        let keys: Vec<String> =
            redis::cmd("KEYS").arg(format!("{}:{pattern}", self.name)).query(&mut conn).unwrap();
        keys
    }

    /// Every stored entry of this namespace.
    pub fn entry_keys(&self) -> Vec<String> {
        self.keys("v:*")
    }

    /// Milliseconds `key` has left to live (-1: no expiry, -2: absent).
    pub fn pttl(&self, key: &str) -> i64 {
        redis::cmd("PTTL").arg(key).query(&mut self.connection()).unwrap()
    }

    /// Runs `cmd` on this test's Redis.
    pub fn run<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> T {
        cmd.query(&mut self.connection()).unwrap()
    }

    pub fn epoch(&self) -> u64 {
        redis::cmd("GET").arg(format!("{}:epoch", self.name)).query(&mut self.connection()).unwrap()
    }
}

impl Drop for Ns {
    fn drop(&mut self) {
        let keys = self.keys("*");
        if !keys.is_empty() {
            let _: redis::RedisResult<u64> =
                redis::cmd("DEL").arg(&keys).query(&mut self.connection());
        }
    }
}

pub fn tags(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

/// Fails the test instead of hanging when something that should happen does not.
pub async fn within<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), fut).await.expect("timed out after 10 s")
}

/// Waits for a condition set by another task (polls; for state with no event to await).
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Waits for an asynchronous condition (polls; for state with no event to await).
pub async fn reaches<F: Future<Output = bool>>(what: &str, mut condition: impl FnMut() -> F) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Sends one message when dropped: put it in a fill closure to learn that a reader
/// joined another fill (a joiner drops its own fill unpolled).
pub struct DropSignal(mpsc::UnboundedSender<()>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

pub fn drop_signals() -> (impl Fn() -> DropSignal, mpsc::UnboundedReceiver<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (move || DropSignal(tx.clone()), rx)
}

/// Awaits `n` drop signals.
pub async fn dropped(rx: &mut mpsc::UnboundedReceiver<()>, n: usize) {
    for _ in 0..n {
        within(rx.recv()).await.expect("signal sender alive");
    }
}

/// The future of a test fill.
pub type Fill = Pin<Box<dyn Future<Output = Result<String, String>> + Send>>;

/// Counts how many times fills ran.
#[derive(Clone, Default)]
pub struct FillCount(Arc<AtomicUsize>);

impl FillCount {
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// A fill that counts itself when it runs and returns `value`.
    pub fn fill(&self, value: &str) -> impl FnOnce() -> Fill + Send {
        let (count, value) = (self.0.clone(), value.to_string());
        move || {
            Box::pin(async move {
                count.fetch_add(1, Ordering::SeqCst);
                Ok(value)
            })
        }
    }
}

/// The two ends of a gated fill: learn that it started, then let it finish.
pub struct Gate {
    started: oneshot::Receiver<()>,
    release: oneshot::Sender<()>,
}

impl Gate {
    pub async fn started(&mut self) {
        within(&mut self.started).await.expect("fill dropped before it started");
    }

    pub fn release(self) {
        let _ = self.release.send(());
    }
}

/// A fill that reports when it starts and returns `result` once its gate is released.
pub fn gated(result: Result<&str, &str>) -> (impl FnOnce() -> Fill + Send, Gate) {
    let (started_tx, started) = oneshot::channel();
    let (release, released) = oneshot::channel::<()>();
    let result = result.map(str::to_string).map_err(str::to_string);
    let fill = move || -> Fill {
        Box::pin(async move {
            let _ = started_tx.send(());
            let _ = released.await;
            result
        })
    };
    (fill, Gate { started, release })
}
