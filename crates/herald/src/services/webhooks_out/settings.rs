//! The settings of outgoing webhooks (docs/CONFIGURATION.md), flattened into
//! [`crate::commands::config::ServeArgs`].

use std::time::Duration;

#[derive(clap::Args, Debug, Clone)]
pub struct WebhookArgs {
    /// Deliver to private, loopback and link-local addresses too (off: such endpoints
    /// are refused with 422 `url_not_allowed`, at creation and at delivery).
    #[arg(long = "webhooks-allow-private", env = "HERALD_WEBHOOKS_ALLOW_PRIVATE",
        default_value_t = false, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub allow_private: bool,
    /// How often the delivery loop looks for new events and due deliveries (a change
    /// made on this instance wakes it at once); 0 disables the loop.
    #[arg(
        long = "webhooks-interval-ms",
        env = "HERALD_WEBHOOKS_INTERVAL_MS",
        default_value_t = 1000
    )]
    pub interval_ms: u64,
    /// The wait after a delivery's first failed attempt; each further failure doubles
    /// it (up to an hour), with jitter.
    #[arg(long = "webhooks-retry-base-ms", env = "HERALD_WEBHOOKS_RETRY_BASE_MS",
        default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub retry_base_ms: u64,
    /// How long a delivery is retried before it is given up as `failed`; an endpoint
    /// failing this long is disabled.
    #[arg(long = "webhooks-retry-window-secs", env = "HERALD_WEBHOOKS_RETRY_WINDOW_SECS",
        default_value_t = 86_400, value_parser = clap::value_parser!(u64).range(1..))]
    pub retry_window_secs: u64,
    /// How long a sender holds a claimed delivery before another instance may send it
    /// (after a crash); longer than a request may take (10 s).
    #[arg(long = "webhooks-lease-secs", env = "HERALD_WEBHOOKS_LEASE_SECS",
        default_value_t = 60, value_parser = clap::value_parser!(u64).range(11..))]
    pub lease_secs: u64,
}

impl WebhookArgs {
    pub fn settings(&self) -> Settings {
        Settings {
            allow_private: self.allow_private,
            retry_base: Duration::from_millis(self.retry_base_ms),
            retry_window: Duration::from_secs(self.retry_window_secs),
            lease: Duration::from_secs(self.lease_secs),
        }
    }

    pub fn interval(&self) -> Duration {
        Duration::from_millis(self.interval_ms)
    }
}

/// What the service needs of [`WebhookArgs`].
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub allow_private: bool,
    pub retry_base: Duration,
    pub retry_window: Duration,
    pub lease: Duration,
}
