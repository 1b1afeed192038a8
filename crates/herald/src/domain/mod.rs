//! Herald's domain: statuses and roles, the post state machine, validation and the
//! records themselves. Pure code: no I/O, no clock (callers pass `now`).

pub mod model;
pub mod status;
pub mod transitions;
pub mod validate;

pub use model::{Event, PlatformResult, Post, PublishState, Workspace, WorkspaceView};
pub use status::{LateApproval, PostStatus, Role};
