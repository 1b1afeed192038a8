//! The e-mail outbox: each notification mail was written in the transaction that created
//! its notification; senders on any instance claim mails (`OutboxStore::claim_mail`: each
//! held by one sender until its lease ends), send them over SMTP and mark them sent. A
//! failed send is released for a retry after a back-off that doubles (30 s up to an
//! hour). Delivery to the SMTP server is at least once: a sender that dies after the
//! server took a mail but before marking it sent lets the lease lapse and the mail goes
//! again — with the same `Message-ID` (the notification's id), so mail systems and
//! readers can recognise the copy.

use super::Notifier;
use crate::coherence::error::AppResult;
use crate::foundation::domain::notifications::{NewMail, NewNotification, OutboxMail};
use crate::foundation::mail::Mail;
use chrono::Utc;
use std::time::Duration;

/// How long a sender holds a claimed mail.
const LEASE: Duration = Duration::from_secs(60);
/// Mails per pass.
const BATCH: u32 = 20;

/// The e-mail of a notification to `to`, with a link to the post when Herald knows
/// its public address.
pub fn mail_of(note: &NewNotification, to: &str, public_url: Option<&str>) -> NewMail {
    let link = match (public_url, &note.post_id) {
        (Some(base), Some(post)) => {
            format!("\n\nOpen the post: {base}/w/{}/posts/{post}\n", note.workspace_id)
        }
        _ => "\n".to_owned(),
    };
    NewMail {
        notification_id: note.id.clone(),
        to: to.to_owned(),
        subject: format!("Herald: {}", subject(note.kind)),
        body: format!(
            "{}{link}\nYou get these e-mails because notifications by e-mail are on in your Herald profile.\n",
            note.text
        ),
    }
}

fn subject(kind: crate::foundation::domain::notifications::NotificationKind) -> &'static str {
    use crate::foundation::domain::notifications::NotificationKind as K;
    match kind {
        K::ApprovalRequested => "a post waits for your approval",
        K::Approved => "your post was approved",
        K::Rejected => "your post was rejected",
        K::ChangesRequested => "changes were asked for your post",
        K::PublishFailed => "a post could not be published",
        K::ApprovalOverdue => "a post's time passed while it waited for approval",
        K::WebhookDisabled => "a webhook was turned off after failing for a day",
        K::Mentioned => "you were mentioned in a comment",
    }
}

/// The wait before retrying a mail after its `attempts`-th failed send.
fn back_off(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 7)).unwrap_or(7);
    (Duration::from_secs(30) * 2u32.pow(doublings)).min(Duration::from_secs(3600))
}

impl Notifier {
    /// Sends the mails waiting in the outbox (none without SMTP); how many were sent.
    pub async fn mail_pass(&self) -> AppResult<usize> {
        let Some(mailer) = &self.inner.mailer else { return Ok(0) };
        let store = &self.inner.store;
        let mut sent = 0;
        loop {
            let claimed = store.claim_mail(Utc::now(), LEASE, BATCH).await?;
            if claimed.is_empty() {
                return Ok(sent);
            }
            for mail in claimed {
                let OutboxMail { id, to, subject, body, attempts, .. } = mail;
                let message = Mail { to, subject, text: body, id: id.clone() };
                match mailer.send(&message).await {
                    Ok(()) => {
                        store.mail_sent(&id, Utc::now()).await?;
                        sent += 1;
                    }
                    Err(e) => {
                        tracing::warn!(mail = %id, attempts, error = %e, "a notification e-mail failed; will retry");
                        let retry = Utc::now() + back_off(attempts);
                        store.mail_failed(&id, retry).await?;
                        return Ok(sent);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_30_seconds_to_an_hour() {
        let waits: Vec<u64> = (1..=9).map(|a| back_off(a).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}
