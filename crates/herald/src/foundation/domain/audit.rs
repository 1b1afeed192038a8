//! The audit trail's vocabulary ([`AuditAction`]: what happened to a post, as stored and
//! as served) and the rule it feeds, four eyes (G9): who counts as an author of a post's
//! current content, so that none of them approves it.

use super::actor::Actor;
use super::transitions::Action;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// One line of a post's history. The wire names are stored and served as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Written (as a draft, or submitted at once).
    Create,
    /// Its content (text, platforms or media) changed.
    Edit,
    /// Only its schedule changed.
    Reschedule,
    Submit,
    Approve,
    Reject,
    RequestChanges,
    Retry,
    /// Cancelled, or deleted on Ayrshare once published.
    Delete,
    /// Claimed by the scheduler for publishing.
    Claim,
    /// Claimed again after a claimer's lease ran out.
    Reclaim,
    /// Ayrshare's answer settled a publish.
    Publish,
    /// A verified Ayrshare webhook changed it.
    Webhook,
    /// Due, but held back: the profile's Ayrshare budget was spent (see `waiting_for`).
    Wait,
}

impl AuditAction {
    pub const ALL: [AuditAction; 14] = [
        Self::Create,
        Self::Edit,
        Self::Reschedule,
        Self::Submit,
        Self::Approve,
        Self::Reject,
        Self::RequestChanges,
        Self::Retry,
        Self::Delete,
        Self::Claim,
        Self::Reclaim,
        Self::Publish,
        Self::Webhook,
        Self::Wait,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Edit => "edit",
            Self::Reschedule => "reschedule",
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::RequestChanges => "request_changes",
            Self::Retry => "retry",
            Self::Delete => "delete",
            Self::Claim => "claim",
            Self::Reclaim => "reclaim",
            Self::Publish => "publish",
            Self::Webhook => "webhook",
            Self::Wait => "wait",
        }
    }

    /// How the pages phrase it after the actor's name ("Ana approved it").
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Create => "created it",
            Self::Edit => "edited it",
            Self::Reschedule => "moved it to another time",
            Self::Submit => "submitted it",
            Self::Approve => "approved it",
            Self::Reject => "rejected it",
            Self::RequestChanges => "asked for changes",
            Self::Retry => "retried publishing",
            Self::Delete => "cancelled or deleted it",
            Self::Claim => "started publishing it",
            Self::Reclaim => "resumed publishing it",
            Self::Publish => "finished publishing it",
            Self::Webhook => "reported a result",
            Self::Wait => "held it back until Ayrshare's rate limit allows",
        }
    }

    /// The audit action of a user action on an existing post. An edit that changed only
    /// the schedule is a [`AuditAction::Reschedule`] (see [`crate::services::posts`]).
    pub fn of(action: Action) -> Self {
        match action {
            Action::Edit => Self::Edit,
            Action::Submit => Self::Submit,
            Action::Approve => Self::Approve,
            Action::Reject => Self::Reject,
            Action::RequestChanges => Self::RequestChanges,
            Action::Retry => Self::Retry,
            Action::Delete => Self::Delete,
        }
    }

    /// Whether this line changed what the post says (four eyes counts its actor).
    fn changes_content(self) -> bool {
        matches!(self, Self::Create | Self::Edit)
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuditAction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("unknown audit action `{s}`"))
    }
}

/// Four eyes (G9): the actors who count as authors of a post's current content, from its
/// audit trail in order. They are its creator, everyone who changed its content at any
/// point (a resubmit does not launder an earlier edit: the approver who rewrote a post
/// stays its author after the editor resubmits it), and whoever submitted it last (they
/// vouch for what they send). None of them may approve it.
pub fn authors<'a>(trail: impl IntoIterator<Item = (AuditAction, &'a Actor)>) -> BTreeSet<Actor> {
    let mut writers = BTreeSet::new();
    let mut submitter = None;
    for (action, actor) in trail {
        match action {
            AuditAction::Create => {
                writers.insert(actor.clone());
            }
            AuditAction::Submit => submitter = Some(actor.clone()),
            a if a.changes_content() => {
                writers.insert(actor.clone());
            }
            _ => {}
        }
    }
    writers.extend(submitter);
    writers
}

#[cfg(test)]
mod tests {
    use super::*;
    use AuditAction::*;

    fn of(trail: &[(AuditAction, &'static str)]) -> Vec<String> {
        let trail: Vec<(AuditAction, Actor)> =
            trail.iter().map(|&(action, actor)| (action, Actor::from(actor))).collect();
        authors(trail.iter().map(|(action, actor)| (*action, actor)))
            .iter()
            .map(Actor::to_string)
            .collect()
    }

    #[test]
    fn actions_round_trip_through_their_wire_names() {
        for a in AuditAction::ALL {
            assert_eq!(a.as_str().parse::<AuditAction>(), Ok(a));
            assert_eq!(serde_json::to_string(&a).ok(), Some(format!("\"{a}\"")));
        }
    }

    #[test]
    fn the_creator_is_always_an_author() {
        assert_eq!(of(&[(Create, "e"), (Approve, "a"), (Edit, "e"), (Submit, "x")]), ["e", "x"]);
    }

    #[test]
    fn an_approver_who_edited_since_the_last_submit_is_an_author() {
        assert_eq!(of(&[(Create, "e"), (Edit, "a")]), ["a", "e"]);
    }

    #[test]
    fn whoever_submitted_last_is_an_author() {
        assert_eq!(of(&[(Create, "e"), (Submit, "a")]), ["a", "e"]);
        assert_eq!(of(&[(Create, "e"), (Submit, "a"), (Submit, "e")]), ["e"]);
    }

    #[test]
    fn an_edit_stays_authorship_after_someone_else_resubmits() {
        let trail = [(Create, "e"), (Edit, "a"), (RequestChanges, "a"), (Submit, "e")];
        assert_eq!(of(&trail), ["a", "e"]);
        assert_eq!(of(&[(Create, "e"), (Edit, "a"), (Approve, "x"), (Submit, "e")]), ["a", "e"]);
    }

    #[test]
    fn a_reschedule_does_not_make_an_author() {
        assert_eq!(of(&[(Create, "e"), (Reschedule, "a")]), ["e"]);
    }
}
