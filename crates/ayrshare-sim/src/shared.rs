//! State shared by every handler and by the background publisher: the configuration,
//! the store, the publisher's wake-up and the HTTP client for webhooks.
//!
//! Both locks are std `Mutex`es: critical sections are short, synchronous and never
//! span an `.await` (the closures passed to [`Shared::with_store`] cannot await), so
//! an async mutex would only cost more (see mini-redis `db.rs`).

use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

use crate::config::SimConfig;
use crate::store::Store;
use crate::webhooks::DELIVERY_TIMEOUT;

/// The simulator's shared state.
#[derive(Debug)]
pub(crate) struct Shared {
    config: Mutex<SimConfig>,
    store: Mutex<Store>,
    /// Wakes the publisher when a scheduled post was added or changed.
    pub(crate) publisher_wake: Notify,
    /// Client for webhook deliveries, shared so connections are reused.
    pub(crate) http: reqwest::Client,
}

/// Takes a lock even if a panicking thread poisoned it: the data is plain maps that
/// stay consistent, and one bad request must not take the simulator down.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(config: SimConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(DELIVERY_TIMEOUT)
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Shared {
            config: Mutex::new(config),
            store: Mutex::new(Store::default()),
            publisher_wake: Notify::new(),
            http,
        }
    }

    /// A snapshot of the current configuration.
    pub(crate) fn config(&self) -> SimConfig {
        lock(&self.config).clone()
    }

    /// Changes the configuration and wakes the publisher (its decisions depend on it).
    pub(crate) fn update_config(&self, f: impl FnOnce(&mut SimConfig)) {
        f(&mut lock(&self.config));
        self.publisher_wake.notify_one();
    }

    /// Runs `f` with the store locked.
    pub(crate) fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut lock(&self.store))
    }
}
