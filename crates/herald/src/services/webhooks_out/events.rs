//! Which webhook event types an audit event is: the action names what a person (or
//! Herald) did, the status it led to what the post became. One audit event may be more
//! than one type (an approval that schedules the post is `post.approved` then
//! `post.scheduled`), in that order.

use crate::foundation::domain::webhooks::EventType;
use crate::foundation::domain::{AuditAction, Event, PostStatus};

/// The types of `event`, in the order they are delivered.
pub fn types_of(event: &Event) -> Vec<EventType> {
    let mut types = Vec::with_capacity(2);
    if let Some(t) = of_action(event.action) {
        types.push(t);
    }
    let moved = event.from != Some(event.to) || event.action == AuditAction::Create;
    if let Some(t) = of_status(event.to).filter(|_| moved) {
        if !types.contains(&t) {
            types.push(t);
        }
    }
    types
}

fn of_action(action: AuditAction) -> Option<EventType> {
    use AuditAction as A;
    match action {
        A::Create => Some(EventType::PostCreated),
        A::Edit | A::Reschedule => Some(EventType::PostUpdated),
        A::Submit => Some(EventType::PostSubmitted),
        A::Approve => Some(EventType::PostApproved),
        A::Reject => Some(EventType::PostRejected),
        A::RequestChanges => Some(EventType::PostChangesRequested),
        A::Retry | A::Delete | A::Claim | A::Reclaim | A::Publish | A::Webhook | A::Wait => None,
    }
}

fn of_status(status: PostStatus) -> Option<EventType> {
    use PostStatus as S;
    match status {
        S::PendingApproval => Some(EventType::PostSubmitted),
        S::Scheduled => Some(EventType::PostScheduled),
        S::Published => Some(EventType::PostPublished),
        S::PartiallyPublished => Some(EventType::PostPartiallyPublished),
        S::Failed => Some(EventType::PostFailed),
        S::Cancelled => Some(EventType::PostCancelled),
        S::Deleted => Some(EventType::PostDeleted),
        S::Draft | S::ChangesRequested | S::Rejected | S::Publishing | S::Expired => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn event(action: AuditAction, from: Option<PostStatus>, to: PostStatus) -> Event {
        let (id, post_id, actor) = ("e".into(), "p".into(), "user:u".into());
        Event { id, post_id, actor, action, comment: None, from, to, version: 1, at: Utc::now() }
    }

    #[test]
    fn an_approval_that_schedules_is_approved_then_scheduled() {
        let e =
            event(AuditAction::Approve, Some(PostStatus::PendingApproval), PostStatus::Scheduled);
        assert_eq!(types_of(&e), [EventType::PostApproved, EventType::PostScheduled]);
    }

    #[test]
    fn a_post_created_for_approval_is_created_then_submitted() {
        let e = event(AuditAction::Create, None, PostStatus::PendingApproval);
        assert_eq!(types_of(&e), [EventType::PostCreated, EventType::PostSubmitted]);
    }

    #[test]
    fn claiming_for_publishing_is_no_webhook_and_settling_it_is() {
        let claim = event(AuditAction::Claim, Some(PostStatus::Scheduled), PostStatus::Publishing);
        assert!(types_of(&claim).is_empty());
        let done = event(AuditAction::Publish, Some(PostStatus::Publishing), PostStatus::Published);
        assert_eq!(types_of(&done), [EventType::PostPublished]);
    }

    #[test]
    fn an_edit_that_keeps_the_status_is_only_an_update() {
        let e = event(AuditAction::Edit, Some(PostStatus::Scheduled), PostStatus::Scheduled);
        assert_eq!(types_of(&e), [EventType::PostUpdated]);
    }
}
