//! Logging: `tracing` to stderr, filtered by `RUST_LOG` (default: Herald at info).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; later calls (tests) are no-ops.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("herald=info,ayrshare=info,ayrshare_sim=info,tower_http=warn")
    });
    let _ =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
