//! The plain data types of the public API: configuration, lookups, events, metrics, tier.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a [`crate::Cache`] is set up. `Default` gives a local-only cache.
/// `Debug` hides the credentials of `redis_url`.
#[derive(Clone)]
pub struct CacheConfig {
    /// Upper bound on every entry's life, on both tiers. Not the freshness mechanism.
    pub ttl: Duration,
    /// Budget of the in-process tier, in the bytes its entries weigh (see
    /// [`crate::Weigh`]); the least used go first. A value weighing more than a quarter
    /// of it is returned to its readers but not kept in memory.
    pub max_local_bytes: u64,
    /// `redis://` or `rediss://` URL of the shared tier; `None` = local only.
    pub redis_url: Option<String>,
    /// Prefix of every Redis key and of the pub/sub channel; instances sharing it are one cache.
    pub namespace: String,
    /// How long a cross-instance fill lease lives without renewal (the holder renews it).
    pub lease_ttl: Duration,
    /// How long a reader waits for another instance's fill before filling itself.
    pub fill_wait: Duration,
    /// Pause between attempts to re-subscribe and recover while degraded.
    pub reconnect_every: Duration,
    /// The read lease (G10): while an instance holds one, a hit needs no Redis command,
    /// and an invalidation waits at most this long for an instance that does not
    /// acknowledge it. Zero: no leases, every hit resolves its versions in Redis.
    pub read_lease: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(120),
            max_local_bytes: 256 << 20,
            redis_url: None,
            namespace: "herald".to_owned(),
            lease_ttl: Duration::from_secs(5),
            fill_wait: Duration::from_secs(10),
            reconnect_every: Duration::from_millis(250),
            read_lease: Duration::from_secs(2),
        }
    }
}

impl std::fmt::Debug for CacheConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheConfig")
            .field("ttl", &self.ttl)
            .field("max_local_bytes", &self.max_local_bytes)
            .field("redis_url", &self.redis_url.as_deref().map(redact))
            .field("namespace", &self.namespace)
            .field("lease_ttl", &self.lease_ttl)
            .field("read_lease", &self.read_lease)
            .field("fill_wait", &self.fill_wait)
            .field("reconnect_every", &self.reconnect_every)
            .finish()
    }
}

/// `rediss://user:token@host:port` → `rediss://***@host:port`.
fn redact(url: &str) -> String {
    match (url.split_once("://"), url.rsplit_once('@')) {
        (Some((scheme, _)), Some((_, host))) => format!("{scheme}://***@{host}"),
        _ => url.to_owned(),
    }
}

/// Where a [`Lookup`]'s value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Found in the local tier or in Redis, for the current versions.
    Hit,
    /// Produced by a fill that this read ran or joined.
    Miss,
    /// The cache is degraded: the fill ran directly, nothing was stored or shared.
    Bypass,
}

impl Source {
    /// `"hit"`, `"miss"` or `"bypass"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Hit => "hit",
            Source::Miss => "miss",
            Source::Bypass => "bypass",
        }
    }
}

/// The answer of [`crate::Cache::get_or_fill`].
#[derive(Debug)]
pub struct Lookup<V> {
    /// The value, shared with every other reader of the same fill.
    pub value: Arc<V>,
    /// Hit, miss or bypass.
    pub source: Source,
    /// Random id of the fill that produced the value; equal for every reader of that fill.
    pub stamp: u64,
    /// When that fill started (the value is at least this fresh).
    pub filled_at: DateTime<Utc>,
}

impl<V> Clone for Lookup<V> {
    fn clone(&self) -> Self {
        Self {
            value: Arc::clone(&self.value),
            source: self.source,
            stamp: self.stamp,
            filled_at: self.filled_at,
        }
    }
}

/// Tags whose versions were bumped, on this instance or another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invalidation {
    pub tags: Vec<String>,
}

/// An application message sent with [`crate::Cache::broadcast`] to the
/// [`crate::Cache::messages`] receivers of its topic. Cloning one copies two pointers:
/// every receiver on an instance shares the same topic and payload text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub topic: Arc<str>,
    /// The payload as JSON text, serialised once by the sender.
    pub payload: Arc<str>,
}

impl Message {
    /// The payload read as `T` (it may borrow from the message).
    pub fn decode<'a, T: Deserialize<'a>>(&'a self) -> serde_json::Result<T> {
        serde_json::from_str(&self.payload)
    }
}

/// Why [`crate::Cache::invalidate`] failed: the invalidation reached only this
/// instance, because Redis is configured but could not be reached. Other instances may
/// keep serving entries older than the change until this instance recovers (recovery
/// moves the epoch on) or the entries expire. A caller that must not acknowledge a
/// change other instances cannot see (revoking a token, changing a role) should answer
/// "try again later" (503) and invalidate again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unshared;

impl std::fmt::Display for Unshared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "the invalidation reached only this instance: the shared Redis tier is unreachable",
        )
    }
}

impl std::error::Error for Unshared {}

/// Which tiers serve reads. JSON: `"local"` or `{"redis":{"healthy":true}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// In-process only.
    Local,
    /// In-process plus Redis; `healthy: false` means reads bypass the cache.
    Redis { healthy: bool },
}

/// A snapshot of the counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Metrics {
    /// Reads answered from the local tier or Redis.
    pub hits: u64,
    /// Reads answered by a fill they ran or joined (including failed ones).
    pub misses: u64,
    /// Times a fill closure ran (every upstream call, bypasses included).
    pub fills: u64,
    /// Fills that returned an error.
    pub fill_errors: u64,
    /// Fills not stored because a tag version or the epoch changed while they ran.
    pub stale_fills_rejected: u64,
    /// Calls to `invalidate` on this instance.
    pub invalidations: u64,
    /// Reads that bypassed the cache because Redis was unavailable.
    pub bypasses: u64,
    /// Reads that waited for another instance's lease.
    pub lease_waits: u64,
    /// Redis commands that failed.
    pub redis_errors: u64,
    /// Redis round trips made to resolve versions: one per read, or one per
    /// [`crate::Cache::scoped`] unit of work for all the reads inside it.
    pub version_round_trips: u64,
    /// Reads whose versions came from the read lease: no Redis command at all (G10).
    pub lease_reads: u64,
    /// Invalidations that waited for other lease holders to acknowledge them.
    pub ack_waits: u64,
    /// Lease holders an invalidation stopped waiting for when their lease ended.
    pub ack_timeouts: u64,
    /// The longest an invalidation waited for lease holders, in milliseconds, counted
    /// from the invalidation script's answer (bounded by the lease: G10).
    pub ack_wait_longest_ms: u64,
    /// Whether this instance holds its read lease now.
    pub read_lease_held: bool,
    /// Entries in the local tier now.
    pub local_entries: u64,
    /// Approximate bytes of the local tier's entries now (at most `max_local_bytes`).
    pub local_bytes: u64,
    /// Values returned but not kept locally: each weighed over a quarter of the budget.
    pub oversized: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_debug_hides_redis_credentials() {
        let url = Some("rediss://default:s3cret@eu1.example.io:6379".to_string());
        let shown = format!("{:?}", CacheConfig { redis_url: url, ..CacheConfig::default() });
        assert!(shown.contains("rediss://***@eu1.example.io:6379") && !shown.contains("s3cret"));
    }

    #[test]
    fn tiers_and_sources_have_lowercase_names() {
        assert_eq!(serde_json::to_value(Tier::Local).unwrap(), serde_json::json!("local"));
        let redis = serde_json::to_value(Tier::Redis { healthy: false }).unwrap();
        assert_eq!(redis, serde_json::json!({"redis": {"healthy": false}}));
        let names = [Source::Hit, Source::Miss, Source::Bypass].map(Source::as_str);
        assert_eq!(names, ["hit", "miss", "bypass"]);
        assert_eq!(serde_json::to_value(Source::Bypass).unwrap(), serde_json::json!("bypass"));
    }
}
