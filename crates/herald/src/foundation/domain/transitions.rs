//! The post state machine of API.md as a pure function: for every status and action,
//! either the effect of the action or the reason it is refused (a 409).
//!
//! Nothing here touches storage, time or Ayrshare: callers pass the workspace policy and
//! the current time in a [`Context`], so every cell of the table is unit-tested below.

use super::status::{LateApproval, PostStatus, Role};
use chrono::{DateTime, Utc};

/// A user action on an existing post (creation is [`on_create`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Edit,
    Submit,
    Approve,
    Reject,
    RequestChanges,
    Retry,
    Delete,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Self::Edit,
        Self::Submit,
        Self::Approve,
        Self::Reject,
        Self::RequestChanges,
        Self::Retry,
        Self::Delete,
    ];

    /// The audit-trail name of the action.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Edit => "edit",
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::RequestChanges => "request_changes",
            Self::Retry => "retry",
            Self::Delete => "delete",
        }
    }
}

/// The workspace policy and the moment of the decision.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub requires_approval: bool,
    pub late_approval: LateApproval,
    pub schedule_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

/// What an allowed action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The post moves to this status (possibly the one it has, for an edit).
    To(PostStatus),
    /// The post is claimed for publishing and published within the request.
    PublishNow,
    /// The post is deleted on Ayrshare, then marked `deleted`.
    DeleteUpstream,
}

/// What creating a post does: it can never delete anything upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateEffect {
    /// The new post starts in this status.
    To(PostStatus),
    /// The new post is claimed for publishing and published within the request.
    PublishNow,
}

impl From<CreateEffect> for Effect {
    fn from(e: CreateEffect) -> Self {
        match e {
            CreateEffect::To(status) => Effect::To(status),
            CreateEffect::PublishNow => Effect::PublishNow,
        }
    }
}

/// Why an action is refused in the post's current status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// The effect of creating a post (`submit` is the body field, default true).
pub fn on_create(submit: bool, ctx: &Context) -> CreateEffect {
    if submit {
        after_submit(ctx)
    } else {
        CreateEffect::To(PostStatus::Draft)
    }
}

/// The effect of `action` on a post in status `from`, or why it is refused.
pub fn decide(action: Action, from: PostStatus, ctx: &Context) -> Result<Effect, Refused> {
    use PostStatus::*;
    let effect = match (action, from) {
        (Action::Edit, Draft | PendingApproval | ChangesRequested | Rejected) => Effect::To(from),
        (Action::Edit, Scheduled) if ctx.requires_approval => Effect::To(PendingApproval),
        (Action::Edit, Scheduled) => Effect::To(Scheduled),
        (Action::Submit, Draft | ChangesRequested | Rejected) => after_submit(ctx).into(),
        (Action::Approve, PendingApproval) => release(ctx).into(),
        (Action::Reject, PendingApproval) => Effect::To(Rejected),
        (Action::RequestChanges, PendingApproval) => Effect::To(ChangesRequested),
        (Action::Retry, Failed | PartiallyPublished) => Effect::PublishNow,
        (Action::Delete, Published | PartiallyPublished) => Effect::DeleteUpstream,
        (
            Action::Delete,
            Draft | PendingApproval | ChangesRequested | Rejected | Scheduled | Failed | Expired,
        ) => Effect::To(Cancelled),
        _ => return Err(Refused(refusal(action, from))),
    };
    Ok(effect)
}

/// The role an action needs. Deleting what is already published needs an admin.
pub fn required_role(action: Action, from: PostStatus) -> Role {
    match action {
        Action::Edit | Action::Submit | Action::Retry => Role::Editor,
        Action::Approve | Action::Reject | Action::RequestChanges => Role::Approver,
        Action::Delete if from.has_left_herald() => Role::Admin,
        Action::Delete => Role::Editor,
    }
}

fn after_submit(ctx: &Context) -> CreateEffect {
    if ctx.requires_approval {
        CreateEffect::To(PostStatus::PendingApproval)
    } else {
        release(ctx)
    }
}

/// An approved (or approval-free) post: scheduled, published now, or late.
fn release(ctx: &Context) -> CreateEffect {
    match ctx.schedule_at {
        None => CreateEffect::PublishNow,
        Some(at) if at > ctx.now => CreateEffect::To(PostStatus::Scheduled),
        Some(_) => match ctx.late_approval {
            LateApproval::Expire => CreateEffect::To(PostStatus::Expired),
            LateApproval::Publish => CreateEffect::PublishNow,
        },
    }
}

fn refusal(action: Action, from: PostStatus) -> String {
    use PostStatus::*;
    let why = match from {
        Publishing => "it is being published right now",
        Published | PartiallyPublished => "it has already been published",
        Cancelled | Deleted | Expired => "it is closed",
        _ => "that is not allowed from its current status",
    };
    format!("cannot {} a post in status `{}`: {why}", action.as_str().replace('_', " "), from)
}

#[cfg(test)]
#[path = "transitions_tests.rs"]
mod tests;
