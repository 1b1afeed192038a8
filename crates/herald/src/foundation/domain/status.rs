//! Post statuses and workspace roles: the vocabulary of API.md as Rust enums.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// Where a post is in its life. The wire names are API.md's.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum PostStatus {
    Draft,
    PendingApproval,
    ChangesRequested,
    Rejected,
    Scheduled,
    Publishing,
    Published,
    PartiallyPublished,
    Failed,
    Cancelled,
    Expired,
    Deleted,
}

impl PostStatus {
    pub const ALL: [PostStatus; 12] = [
        Self::Draft,
        Self::PendingApproval,
        Self::ChangesRequested,
        Self::Rejected,
        Self::Scheduled,
        Self::Publishing,
        Self::Published,
        Self::PartiallyPublished,
        Self::Failed,
        Self::Cancelled,
        Self::Expired,
        Self::Deleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::PendingApproval => "pending_approval",
            Self::ChangesRequested => "changes_requested",
            Self::Rejected => "rejected",
            Self::Scheduled => "scheduled",
            Self::Publishing => "publishing",
            Self::Published => "published",
            Self::PartiallyPublished => "partially_published",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
            Self::Deleted => "deleted",
        }
    }

    /// True once something has reached Ayrshare (or may have).
    pub fn has_left_herald(self) -> bool {
        matches!(
            self,
            Self::Publishing | Self::Published | Self::PartiallyPublished | Self::Deleted
        )
    }
}

impl fmt::Display for PostStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PostStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown status `{s}`"))
    }
}

/// A workspace token's role. Ordered: each role can do everything the ones below it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Editor,
    Approver,
    Admin,
}

impl Role {
    /// Every role, weakest first.
    pub const ALL: [Role; 4] = [Self::Viewer, Self::Editor, Self::Approver, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Editor => "editor",
            Self::Approver => "approver",
            Self::Admin => "admin",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| format!("unknown role `{s}`"))
    }
}

/// What to do when a post is approved after its `schedule_at` has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum LateApproval {
    #[default]
    Expire,
    Publish,
}

impl LateApproval {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expire => "expire",
            Self::Publish => "publish",
        }
    }
}

impl FromStr for LateApproval {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "expire" => Ok(Self::Expire),
            "publish" => Ok(Self::Publish),
            _ => Err(format!("unknown late_approval `{s}`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_wire_names() {
        for st in PostStatus::ALL {
            assert_eq!(st.as_str().parse::<PostStatus>().unwrap(), st);
            let json = serde_json::to_string(&st).unwrap();
            assert_eq!(json, format!("\"{}\"", st.as_str()));
        }
    }

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Viewer < Role::Editor);
        assert!(Role::Editor < Role::Approver);
        assert!(Role::Approver < Role::Admin);
    }
}
