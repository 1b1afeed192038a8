//! The background task that publishes scheduled posts when their date comes and hands
//! their `scheduled` webhooks, and the webhooks others queued (`social`), to delivery
//! tasks; and the guard that owns it.
//!
//! The task sleeps until the earliest pending `scheduleDate` or until woken (a post
//! was scheduled, approved, unpaused, or the config changed). Deliveries run in a
//! `JoinSet` owned by the task, so stopping the task stops them too.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::Utc;
use tokio::task::{JoinHandle, JoinSet};

use crate::shared::Shared;
use crate::webhooks;

/// How long the publisher sleeps when nothing is pending (it is woken earlier when a
/// post is scheduled).
const IDLE: Duration = Duration::from_secs(3600);

/// Owns the publisher task: starts it on demand, stops it on [`Background::stop`] or
/// when the last [`crate::Simulator`] clone (routers included) is dropped.
#[derive(Debug, Default)]
pub(crate) struct Background {
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Background {
    /// Starts the publisher if it is not running and a tokio runtime is at hand.
    pub(crate) fn ensure_running(&self, shared: &Arc<Shared>) {
        let mut task = self.task.lock().unwrap_or_else(PoisonError::into_inner);
        if task.as_ref().is_some_and(|t| !t.is_finished()) {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            *task = Some(runtime.spawn(run(Arc::clone(shared))));
        }
    }

    /// Stops the publisher and its in-flight deliveries.
    pub(crate) fn stop(&self) {
        let task = self.task.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(task) = task {
            task.abort();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The publisher loop.
async fn run(shared: Arc<Shared>) {
    let mut deliveries = JoinSet::new();
    loop {
        let config = shared.config();
        let now = Utc::now();
        let (due, next, queued) = shared.with_store(|store| {
            let (due, next) = store.publish_due(&config, now);
            (due, next, store.take_outbox())
        });
        for delivery in due.into_iter().chain(queued) {
            deliveries.spawn(webhooks::deliver(shared.http.clone(), delivery));
        }
        while deliveries.try_join_next().is_some() {}
        let wait =
            next.map_or(IDLE, |at| (at - Utc::now()).to_std().unwrap_or(Duration::ZERO)).min(IDLE);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = shared.publisher_wake.notified() => {}
        }
    }
}
