//! Herald's domain: statuses and roles, the post state machine, the audit vocabulary and
//! four eyes, validation and the records themselves (posts and workspaces in `model`,
//! people in `people`). Pure code: no I/O; the decisions
//! take `now` from their callers (only [`model::now_ms`] reads the clock, for them).

pub mod audit;
pub mod model;
pub mod people;
pub mod status;
pub mod transitions;
pub mod validate;

pub use audit::AuditAction;
pub use model::{Event, PlatformResult, PlatformStatus, Post, PublishState, WaitingFor, Workspace};
pub use people::{Invitation, Member, Membership, SessionRecord, User, UserRecord, XCredentials};
pub use status::{LateApproval, PostStatus, Role};
