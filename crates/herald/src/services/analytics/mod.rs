//! Engagement per post and per account, from Ayrshare's analytics: normalised across
//! networks ([`normalize`]), read on a budget-aware schedule ([`policy`], [`refresh`],
//! first read scheduled after commit by [`hook`]), and answered from the store with
//! every figure's `as_of` ([`service`], [`report`]).

pub mod hook;
pub mod normalize;
pub mod policy;
pub mod refresh;
pub mod report;
pub mod service;

pub use hook::FirstRefresh;
pub use policy::{AnalyticsArgs, Policy};
pub use refresh::RefreshReport;
pub use report::{Range, Report};
pub use service::Analytics;
