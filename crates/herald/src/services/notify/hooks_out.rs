//! Telling a workspace's admins that one of its outgoing webhooks was turned off after
//! failing for its whole retry window ([`crate::services::webhooks_out`]): one notification per
//! admin per disabling, in the app and by e-mail like the others.

use super::{outbox, Notifier};
use crate::coherence::error::AppResult;
use crate::foundation::domain::notifications::{NewNotification, NotificationKind};
use crate::foundation::domain::Role;
use chrono::{DateTime, Utc};

impl Notifier {
    /// Notifies the admins of `ws` that the endpoint to `url` was disabled at `at`; how
    /// many notifications were created.
    pub async fn webhook_disabled(
        &self,
        ws: &str,
        endpoint_id: &str,
        url: &str,
        at: DateTime<Utc>,
    ) -> AppResult<usize> {
        let inner = &self.inner;
        let members = inner.store.members(ws).await?;
        let text = format!(
            "The webhook to {url} failed for a day and was turned off; turn it on again in the workspace settings."
        );
        let source = format!("webhook-disabled:{endpoint_id}:{}", at.timestamp_millis());
        let mut notes = Vec::new();
        let mut mails = Vec::new();
        for admin in members.iter().filter(|m| m.role == Role::Admin) {
            let note = NewNotification {
                id: uuid::Uuid::now_v7().to_string(),
                user_id: admin.user.id.clone(),
                workspace_id: ws.to_owned(),
                post_id: None,
                kind: NotificationKind::WebhookDisabled,
                text: text.clone(),
                source: source.clone(),
                created_at: at,
            };
            if inner.mailer.is_some() && admin.user.notify_email {
                mails.push(outbox::mail_of(&note, &admin.user.email, inner.public_url.as_deref()));
            }
            notes.push(note);
        }
        let created = inner.store.create_notifications(&notes, &mails).await?;
        for n in &created {
            inner.live.notify(n).await;
        }
        self.wake();
        Ok(created.len())
    }
}
