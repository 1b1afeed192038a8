//! The records of [`PlanStore::insert_planned`](super::PlanStore::insert_planned): posts
//! created together, each perhaps keyed (an import row's `external_id`, a feed item's id)
//! or taking its time from the workspace's queue.

use super::{Committed, NewEvent};
use crate::foundation::domain::Post;

/// One post to create.
#[derive(Debug, Clone)]
pub struct Planned {
    pub post: Post,
    pub event: NewEvent,
    /// Written once per workspace: a post whose key exists is skipped.
    pub key: Option<String>,
    /// Takes the next free slot of the queue (its `schedule_at` is replaced).
    pub queued: bool,
}

/// What [`PlanStore::insert_planned`](super::PlanStore::insert_planned) did.
#[derive(Debug, Default)]
pub struct PlanOutcome {
    /// The posts created, in the order given.
    pub committed: Vec<Committed>,
    /// The indexes (in the items given) of those skipped for an existing key.
    pub skipped: Vec<usize>,
}
