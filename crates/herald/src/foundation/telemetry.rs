//! Logging: `tracing` to stderr, filtered by `RUST_LOG` (default: Herald at info). Inside
//! a span named [`QUIET`] only warnings and errors are written (the demo's seeding, whose
//! dozens of routine publishes would bury what a newcomer needs to read).

use tracing::Level;
use tracing_subscriber::filter::DynFilterFn;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// The name of a span whose routine events (below WARN) are not written.
pub const QUIET: &str = "quiet";

/// Installs the global subscriber; later calls (tests) are no-ops.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("herald=info,ayrshare=info,ayrshare_sim=info,tower_http=warn")
    });
    let hush = DynFilterFn::new(|meta, cx| {
        !meta.is_event()
            || *meta.level() <= Level::WARN
            || cx.lookup_current().is_none_or(|span| span.scope().all(|s| s.name() != QUIET))
    });
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter)
        .with_filter(hush);
    let _ = tracing_subscriber::registry().with(layer).try_init();
}
