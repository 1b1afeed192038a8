//! The notification loop of one instance: every interval, and at once when a change
//! committed on this instance ([`super::Waker`]), it creates the notifications of new
//! audit events and sends the outbox's mails. Owned by a [`NotifyHandle`]; stopping it
//! ends the loop after the current pass.

use super::Notifier;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Owns the loop; stopping (or dropping) it ends the loop after the current pass.
pub struct NotifyHandle {
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl Notifier {
    /// Starts the loop; `interval` zero means no loop.
    pub fn spawn(self, interval: Duration) -> NotifyHandle {
        let stop = CancellationToken::new();
        let task = (!interval.is_zero()).then(|| tokio::spawn(run(self, interval, stop.clone())));
        NotifyHandle { stop, task }
    }

    /// One pass: new events' notifications, then the outbox.
    pub async fn run_once(&self) {
        if let Err(e) = self.feed_pass().await {
            tracing::warn!(error = %e, "notification pass failed; the next one retries");
        }
        if let Err(e) = self.mail_pass().await {
            tracing::warn!(error = %e, "sending notification mail failed; the next pass retries");
        }
    }
}

async fn run(notifier: Notifier, interval: Duration, stop: CancellationToken) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = ticker.tick() => {}
            _ = notifier.woken() => {}
        }
        notifier.run_once().await;
    }
}

impl NotifyHandle {
    pub async fn stop(mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for NotifyHandle {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}
