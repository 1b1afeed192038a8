//! [`Simulator`]: the handle on the shared state that builds the router, exposes the
//! stats and knobs, and owns the background publisher.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use ayrshare::Platform;
use chrono::Utc;

use crate::config::SimConfig;
use crate::publisher::Background;
use crate::shared::Shared;
use crate::{routes, Stats, UnknownProfile};

/// An Ayrshare-compatible API simulator. Cheap to clone; clones share one state.
///
/// The scheduled-post publisher starts with the first request (or [`Simulator::serve`])
/// and stops when the last clone, routers included, is dropped, or when `serve` or
/// [`crate::SimHandle::shutdown`] returns.
#[derive(Clone)]
pub struct Simulator {
    pub(crate) shared: Arc<Shared>,
    background: Arc<Background>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator").field("config", &self.shared.config()).finish_non_exhaustive()
    }
}

impl Simulator {
    /// A simulator with empty state (only the primary profile exists).
    pub fn new(config: SimConfig) -> Self {
        let sim = Simulator { shared: Arc::new(Shared::new(config)), background: Arc::default() };
        sim.ensure_background();
        sim
    }

    /// Every route: Ayrshare's under `/api`, the simulator's own under `/__sim`.
    pub fn router(&self) -> Router {
        self.ensure_background();
        routes::router(self.clone())
    }

    /// Request counts by route template and by profile (as `GET /__sim/stats`).
    pub fn stats(&self) -> Stats {
        self.shared.with_store(|store| store.stats())
    }

    /// Forgets posts, counters, rate windows, idempotency keys, linking sessions and
    /// media. Profiles (and their linked networks) and registered webhooks are kept.
    pub fn reset(&self) {
        self.shared.with_store(|store| store.reset());
        self.shared.publisher_wake.notify_one();
    }

    /// The key of the User Profile titled `title`, creating it (with nothing linked)
    /// when no profile has that title. For test harnesses; clients use
    /// `POST /profiles`.
    pub fn create_profile(&self, title: &str) -> String {
        self.shared.with_store(|store| store.profiles.titled_or_new(title))
    }

    /// A User Profile with a key the harness chooses (kept if that key exists), nothing
    /// linked. For test harnesses that need to know a key in advance; clients use
    /// `POST /profiles`. False when the key is blank or the title is another profile's.
    pub fn add_profile(&self, title: &str, key: &str) -> bool {
        self.shared.with_store(|store| store.profiles.with_key(key, title))
    }

    /// Links (or, with `linked: false`, unlinks) `platforms` on the profile with
    /// `profile_key` (empty: the primary profile), as the user would on the linking
    /// page; a registered `social` webhook is sent for each change.
    ///
    /// # Errors
    /// [`UnknownProfile`] when no profile has that key.
    pub fn link(
        &self,
        profile_key: &str,
        platforms: &[Platform],
        linked: bool,
    ) -> Result<(), UnknownProfile> {
        let done = self
            .shared
            .with_store(|store| store.set_links(profile_key, platforms, linked, Utc::now()));
        self.shared.publisher_wake.notify_one();
        if done {
            Ok(())
        } else {
            Err(UnknownProfile)
        }
    }

    /// Changes knobs at run time; the next request sees the new values.
    pub fn update_config(&self, f: impl FnOnce(&mut SimConfig)) {
        self.shared.update_config(f);
    }

    /// The current configuration.
    pub fn config(&self) -> SimConfig {
        self.shared.config()
    }

    /// Serves [`Simulator::router`] on `listener` until `shutdown` completes, then
    /// drains connections and stops the publisher.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let result = axum::serve(listener, self.router()).with_graceful_shutdown(shutdown).await;
        self.stop_background();
        result
    }

    /// Starts the publisher if it is not running (needs a tokio runtime; without
    /// one this waits for the first request).
    pub(crate) fn ensure_background(&self) {
        self.background.ensure_running(&self.shared);
    }

    /// Stops the publisher and its webhook deliveries.
    pub(crate) fn stop_background(&self) {
        self.background.stop();
    }
}
