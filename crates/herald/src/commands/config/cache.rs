//! The cache settings and the `herald cache` commands.

use crate::foundation::secret::Secret;
use clap::{Args, Subcommand};
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Drop cached Ayrshare history (all `ayrshare:history:*` keys, or one workspace's).
    Clear(CacheClearArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CacheClearArgs {
    /// Only this workspace's history.
    #[arg(long)]
    pub workspace: Option<String>,
    /// The running Herald (default: the address in HERALD_BIND).
    #[arg(long, env = "HERALD_URL")]
    pub url: Option<String>,
    #[arg(long, env = "HERALD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The global admin token of that Herald.
    #[arg(long, env = "HERALD_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Secret,
}

#[derive(Debug, Clone, Args)]
pub struct CacheArgs {
    /// Redis for the shared cache tier, leases and fan-out; unset = in-process cache only.
    #[arg(long, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<Secret>,
    /// Upper bound on the age of cached Ayrshare data Herald cannot see change.
    #[arg(long, env = "HERALD_CACHE_TTL_SECS", default_value_t = 120,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub cache_ttl_secs: u64,
    /// Prefix of every Redis key and channel Herald uses (several Heralds can share a Redis).
    #[arg(long, env = "HERALD_CACHE_NAMESPACE", default_value = "herald")]
    pub cache_namespace: String,
    /// `versioned` (Herald's coherent cache) or `delete-after-write` (baseline only).
    #[arg(long, env = "HERALD_CACHE_STRATEGY", value_enum, default_value = "versioned")]
    pub cache_strategy: crate::gate::dashboard::Strategy,
    /// Read lease of the Redis tier in ms: while held, a hit needs no Redis command, and a
    /// write waits at most this long for an instance that does not acknowledge it; 0 = off.
    #[arg(long, env = "HERALD_CACHE_LEASE_MS", default_value_t = 2000,
        value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub cache_lease_ms: u64,
    /// Share of dashboard answers re-checked against the database after answering (0 to 1).
    #[arg(long, env = "HERALD_FRESHNESS_SAMPLE", default_value_t = 0.01, value_parser = share)]
    pub freshness_sample: f64,
    /// Tests only: skip the cache invalidation of the next post change (the freshness
    /// monitor must catch it). Never set this in production.
    #[arg(long, env = "HERALD_TEST_SKIP_ONE_INVALIDATION", hide = true)]
    pub test_skip_one_invalidation: bool,
}

/// A share between 0 and 1.
fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err("must be a number from 0 to 1".to_owned()),
    }
}

impl CacheArgs {
    pub fn ttl(&self) -> Duration {
        Duration::from_secs(self.cache_ttl_secs)
    }

    pub fn lease(&self) -> Duration {
        Duration::from_millis(self.cache_lease_ms)
    }
}
