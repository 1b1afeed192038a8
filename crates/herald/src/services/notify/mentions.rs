//! Mentions and reminders, the notices that do not come from the audit feed:
//!
//! - a comment's `@Name`s tell each named member once (`mentioned`, in the app, live and
//!   by e-mail): the comment and its notifications, with their mails in the outbox, are
//!   written in one transaction (`ReviewStore::add_comment`), so none is created twice or
//!   without its comment;
//! - a client review link with a reviewer's address, still showing posts pending
//!   approval, has its reviewer reminded by e-mail once before it expires: the link is
//!   taken for its reminder by one instance, once ever (`ReviewStore::take_review_reminders`),
//!   and given back if the mail could not be sent.

use super::{outbox, rules, Notifier};
use crate::coherence::error::AppResult;
use crate::foundation::domain::notifications::{NewNotification, NotificationKind};
use crate::foundation::domain::people::Member;
use crate::foundation::domain::review::{Comment, ReviewLink};
use crate::foundation::domain::webhooks::NewDelivery;
use crate::foundation::domain::{Post, PostStatus};
use crate::foundation::mail::Mail;
use chrono::{DateTime, Utc};

/// A link is reminded within this long of its expiry (if it lived longer than that).
pub const REMIND_BEFORE: chrono::Duration = chrono::Duration::hours(24);

impl Notifier {
    /// Stores `comment` (on `post`, written by `actor_name`) with a `mentioned`
    /// notification for each member it mentions and its `webhooks` messages, and pushes
    /// the notifications created live.
    pub async fn comment(
        &self,
        comment: &Comment,
        post: &Post,
        actor_name: &str,
        members: &[Member],
        webhooks: &[NewDelivery],
    ) -> AppResult<()> {
        let source = format!("comment:{}", comment.id);
        let mut notes = Vec::new();
        let mut mails = Vec::new();
        for user_id in &comment.mentions {
            let note = NewNotification {
                id: uuid::Uuid::now_v7().to_string(),
                user_id: user_id.clone(),
                workspace_id: post.workspace_id.clone(),
                post_id: Some(post.id.clone()),
                kind: NotificationKind::Mentioned,
                text: rules::text(NotificationKind::Mentioned, actor_name, post),
                source: source.clone(),
                created_at: comment.created_at,
            };
            let member = members.iter().find(|m| &m.user.id == user_id);
            if let (Some(_), Some(m)) = (&self.inner.mailer, member.filter(|m| m.user.notify_email))
            {
                mails.push(outbox::mail_of(&note, &m.user.email, self.inner.public_url.as_deref()));
            }
            notes.push(note);
        }
        let created = self.inner.store.add_comment(comment, &notes, &mails, webhooks).await?;
        for n in &created {
            self.inner.live.notify(n).await;
        }
        if !mails.is_empty() {
            self.wake();
        }
        Ok(())
    }

    /// Reminds, once per link, the reviewers whose links expire within
    /// [`REMIND_BEFORE`] of `now` while posts they show still wait for approval; how many
    /// were sent.
    pub async fn reminder_pass(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let Some(mailer) = &self.inner.mailer else { return Ok(0) };
        let store = &self.inner.store;
        let mut sent = 0;
        for link in store.take_review_reminders(now + REMIND_BEFORE, now, 50).await? {
            let pending = self.pending_of(&link).await?;
            if pending.is_empty() {
                continue;
            }
            let mail = reminder(&link, &pending, self.inner.public_url.as_deref());
            match mailer.send(&mail).await {
                Ok(()) => sent += 1,
                Err(e) => {
                    tracing::warn!(link = %link.id, error = %e, "review reminder not sent; retried later");
                    store.release_review_reminder(&link.id).await?;
                }
            }
        }
        Ok(sent)
    }

    async fn pending_of(&self, link: &ReviewLink) -> AppResult<Vec<Post>> {
        let posts = self.inner.store.posts_by_ids(&link.workspace_id, &link.post_ids).await?;
        Ok(posts.into_iter().filter(|post| post.status == PostStatus::PendingApproval).collect())
    }
}

/// The reminder e-mail (the link's secret is not known: only its hash is kept).
fn reminder(link: &ReviewLink, pending: &[Post], public_url: Option<&str>) -> Mail {
    let at = link.expires_at.format("%Y-%m-%d %H:%M UTC");
    let n = pending.len();
    let posts = if n == 1 { "1 post waits".to_owned() } else { format!("{n} posts wait") };
    let site = public_url.map(|u| format!(" on {u}")).unwrap_or_default();
    Mail {
        to: link.reviewer_email.clone().unwrap_or_default(),
        subject: "Herald: your review link expires soon".to_owned(),
        text: format!(
            "Hello {},\n\n{posts} for your decision. The review link you were sent{site} \
             works until {at}; open it again to approve, request changes or reject.\n",
            link.reviewer_name
        ),
        id: format!("review-reminder-{}", link.id),
    }
}
