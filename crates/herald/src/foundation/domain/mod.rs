//! Herald's domain: who acts (`actor`), statuses and roles, the post state machine, the audit vocabulary and
//! four eyes, validation and the records themselves (posts and workspaces in `model`,
//! people in `people`, notifications and their e-mails in `notifications`, uploaded media
//! in `media`, analytics in `metrics`, comments and client review links in `review`, the
//! posting queue and feeds in `plan`). Pure code: no I/O; the decisions take `now` from
//! their callers (only [`model::now_ms`] reads the clock, for them).

pub mod actor;
pub mod audit;
pub mod compose;
pub mod library;
pub mod media;
pub mod metrics;
pub mod model;
pub mod notifications;
pub mod people;
pub mod plan;
pub mod review;
pub mod status;
pub mod transitions;
pub mod validate;
pub mod webhooks;

pub use actor::Actor;
pub use audit::AuditAction;
pub use compose::{Compose, MediaItem, StoredCompose, Variant};
pub use media::{Blob, MediaMeta, MediaRecord};
pub use metrics::{AccountMetrics, Metric, Metrics, PostMetrics, RefreshTarget};
pub use model::{Event, PlatformResult, PlatformStatus, Post, PublishState, WaitingFor, Workspace};
pub use notifications::{NewMail, NewNotification, Notification, NotificationKind, OutboxMail};
pub use people::{Invitation, Member, Membership, SessionRecord, User, UserRecord, XCredentials};
pub use status::{LateApproval, PostStatus, Role};
