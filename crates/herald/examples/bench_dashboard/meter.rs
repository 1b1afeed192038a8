//! What a Redis-tier hit costs Redis: `INFO commandstats` (the `calls=` of every command,
//! summed) read before and after each timed wrk run against Herald, and Herald's own
//! cache counters (`version_round_trips`, `lease_reads`) over the same run. Redis counts
//! every client's commands: the figures hold only while nothing but this program uses
//! that Redis, which [`Meter::foreign_clients`] checks.

use crate::wrk::Run;
use herald_cache::Cache;
use std::collections::BTreeMap;
use std::future::Future;

/// Commands Redis ran, by name.
type ByCommand = BTreeMap<String, u64>;

/// The sums over the timed runs of one row.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Requests wrk completed against Herald (all hits).
    pub hits: u64,
    /// Redis commands run meanwhile (the meter's own `INFO`s taken out).
    pub commands: u64,
    pub by_command: ByCommand,
    pub version_round_trips: u64,
    pub lease_reads: u64,
    /// Seconds of timed runs.
    pub seconds: f64,
}

impl Tally {
    /// Redis commands per 1,000 hits.
    pub fn per_thousand(&self) -> f64 {
        self.commands as f64 * 1000.0 / self.hits.max(1) as f64
    }

    pub fn add(&mut self, other: &Tally) {
        self.hits += other.hits;
        self.commands += other.commands;
        self.version_round_trips += other.version_round_trips;
        self.lease_reads += other.lease_reads;
        self.seconds += other.seconds;
        for (name, n) in &other.by_command {
            *self.by_command.entry(name.clone()).or_default() += n;
        }
    }

    /// The commands by name, most first: `evalsha 12, publish 3`.
    pub fn commands_by_name(&self) -> String {
        let mut named: Vec<_> = self.by_command.iter().filter(|(_, n)| **n > 0).collect();
        named.sort_by(|a, b| b.1.cmp(a.1));
        let named: Vec<String> = named.iter().map(|(name, n)| format!("{name} {n}")).collect();
        if named.is_empty() {
            "none".to_owned()
        } else {
            named.join(", ")
        }
    }
}

/// A connection of its own to the Redis Herald uses, and Herald's cache.
pub struct Meter {
    redis: redis::aio::MultiplexedConnection,
    cache: Cache,
    /// The most clients of other programs seen connected right after a measured run.
    pub foreign: Option<usize>,
}

impl Meter {
    pub async fn new(url: &str, cache: Cache) -> Self {
        let client = redis::Client::open(url).unwrap();
        let redis = client.get_multiplexed_async_connection().await.unwrap();
        Meter { redis, cache, foreign: Some(0) }
    }

    /// `run` (a wrk run against Herald), with what Redis and Herald's cache counted.
    pub async fn around(&mut self, run: impl Future<Output = Run>) -> (Run, Tally) {
        let (before, cache_before) = (self.by_command().await, self.cache.metrics());
        let started = std::time::Instant::now();
        let done = run.await;
        let seconds = started.elapsed().as_secs_f64();
        let (after, cache_after) = (self.by_command().await, self.cache.metrics());
        let mut by_command: ByCommand = after
            .iter()
            .map(|(name, n)| (name.clone(), n - before.get(name).copied().unwrap_or(0)))
            .collect();
        // The first `INFO` is counted in the second reading (a command is counted after
        // it ran, so the second is not).
        if let Some(info) = by_command.get_mut("info") {
            *info = info.saturating_sub(1);
        }
        let tally = Tally {
            hits: done.requests,
            commands: by_command.values().sum(),
            by_command,
            version_round_trips: cache_after.version_round_trips - cache_before.version_round_trips,
            lease_reads: cache_after.lease_reads - cache_before.lease_reads,
            seconds,
        };
        let seen = self.foreign_clients().await; // after the second reading: not counted
        self.foreign = self.foreign.zip(seen).map(|(a, b)| a.max(b));
        (done, tally)
    }

    /// Commands Redis runs with no load at all over `seconds` (lease renewals and the
    /// like), for comparison with a row's commands.
    pub async fn idle(&mut self, seconds: f64) -> u64 {
        let pause = std::time::Duration::from_secs_f64(seconds);
        let (_, tally) = self
            .around(async {
                tokio::time::sleep(pause).await; // the measuring window itself
                Run { rps: 0.0, requests: 0, p50_us: 0.0, p99_us: 0.0, errors: 0 }
            })
            .await;
        tally.commands
    }

    /// Clients connected to Redis now that are not this process's: their address (the
    /// client's end, as Redis lists it) is not a local port of this process's sockets.
    /// Linux only (`/proc`); `None` elsewhere.
    pub async fn foreign_clients(&mut self) -> Option<usize> {
        let list: String =
            redis::cmd("CLIENT").arg("LIST").query_async(&mut self.redis).await.unwrap();
        let ours = own_ports()?;
        let port = |line: &str| {
            let addr = line.split(' ').find_map(|f| f.strip_prefix("addr="))?;
            addr.rsplit_once(':')?.1.parse::<u16>().ok()
        };
        Some(list.lines().filter_map(port).filter(|p| !ours.contains(p)).count())
    }

    async fn by_command(&mut self) -> ByCommand {
        let info: String =
            redis::cmd("INFO").arg("commandstats").query_async(&mut self.redis).await.unwrap();
        info.lines()
            .filter_map(|l| {
                let (name, rest) = l.strip_prefix("cmdstat_")?.split_once(":calls=")?;
                Some((name.to_owned(), rest.split(',').next()?.parse::<u64>().ok()?))
            })
            .collect()
    }
}

/// The local TCP ports of this process's sockets (`/proc/self/fd` → socket inodes →
/// `/proc/net/tcp{,6}`).
fn own_ports() -> Option<std::collections::HashSet<u16>> {
    let inodes: std::collections::HashSet<String> = std::fs::read_dir("/proc/self/fd")
        .ok()?
        .filter_map(|fd| {
            let link = std::fs::read_link(fd.ok()?.path()).ok()?;
            let link = link.to_str()?;
            Some(link.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned())
        })
        .collect();
    let mut ports = std::collections::HashSet::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(inode)) = (fields.get(1), fields.get(9)) else { continue };
            if !inodes.contains(*inode) {
                continue;
            }
            let port = local.rsplit_once(':').and_then(|(_, p)| u16::from_str_radix(p, 16).ok());
            ports.extend(port);
        }
    }
    Some(ports)
}
