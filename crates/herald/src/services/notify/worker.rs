//! The notification loop of one instance: every interval, and at once when a change
//! committed on this instance ([`super::Waker`]), it creates the notifications of new
//! audit events, reminds client reviewers whose links expire soon ([`super::mentions`])
//! and sends the outbox's mails ([`crate::foundation::background`] owns the loop).

use super::Notifier;
use crate::foundation::background::{self, LoopHandle};
use std::time::Duration;

impl Notifier {
    /// Starts the loop; `interval` zero means no loop.
    pub fn spawn(self, interval: Duration) -> LoopHandle {
        let wake = self.inner.wake.clone();
        let pass = move || {
            let notifier = self.clone();
            async move { notifier.run_once().await }
        };
        background::spawn_loop(interval, pass, Some(wake))
    }

    /// One pass: new events' notifications, then the outbox.
    pub async fn run_once(&self) {
        if let Err(e) = self.feed_pass().await {
            tracing::warn!(error = %e, "notification pass failed; the next one retries");
        }
        if let Err(e) = self.reminder_pass(chrono::Utc::now()).await {
            tracing::warn!(error = %e, "review reminder pass failed; the next one retries");
        }
        if let Err(e) = self.mail_pass().await {
            tracing::warn!(error = %e, "sending notification mail failed; the next pass retries");
        }
    }
}
