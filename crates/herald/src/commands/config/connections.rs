//! Limits on client connections ([`ConnectionArgs`], see [`crate::foundation::server`]).

use crate::foundation::client_ip::TrustedProxies;
use clap::Args;
use std::time::Duration;

/// Limits on client connections (see [`crate::foundation::server`]).
#[derive(Debug, Clone, Args)]
pub struct ConnectionArgs {
    /// Close a connection whose request headers take longer than this (also the longest
    /// a keep-alive connection waits for its next request).
    #[arg(long, env = "HERALD_HEADER_READ_TIMEOUT_SECS", default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout_secs: u64,
    /// Close a connection on which nothing moved either way for this long.
    #[arg(long, env = "HERALD_IDLE_TIMEOUT_SECS", default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout_secs: u64,
    /// Open connections at most; more are closed as they arrive.
    #[arg(long, env = "HERALD_MAX_CONNECTIONS", default_value_t = 4096,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,
    /// Open connections per client address at most (0: no such limit). The trusted
    /// proxies (`HERALD_TRUSTED_PROXIES`), which carry every client's connections, are
    /// not held by it.
    #[arg(long, env = "HERALD_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 256)]
    pub max_connections_per_address: u64,
    /// Close a connection whose client takes a response more slowly than this many bytes
    /// per second while the server waits on it (0: no minimum).
    #[arg(long, env = "HERALD_MIN_SEND_BYTES_PER_SEC", default_value_t = 2048)]
    pub min_send_bytes_per_sec: u64,
    /// How long such a client may take nothing before it is closed, and the most time
    /// it banks by reading faster.
    #[arg(long, env = "HERALD_SEND_GRACE_SECS", default_value_t = 20,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub send_grace_secs: u64,
}

impl ConnectionArgs {
    /// The server's limits; `trusted_proxies` are exempt from the per-address one.
    pub fn limits(&self, trusted_proxies: &TrustedProxies) -> crate::foundation::server::Limits {
        crate::foundation::server::Limits {
            exempt: trusted_proxies.clone(),
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
            max_per_address: usize::try_from(self.max_connections_per_address)
                .unwrap_or(usize::MAX),
            send_rate: crate::foundation::server::SendRate {
                bytes_per_sec: self.min_send_bytes_per_sec,
                grace: Duration::from_secs(self.send_grace_secs),
            },
        }
    }
}
