//! Planning tools (API.md "Plan"): the posting queue of a workspace (weekly slots in its
//! zone; a post created with `"queue": true` takes the next free one; pause and resume),
//! CSV import ([`import`]) and RSS / Atom feeds polled into drafts ([`feeds`]).
//!
//! The slot a queue addition gets is chosen inside the store's transaction, under the
//! queue's row lock (`store::sql::plan` argues why no two additions share a slot on any
//! number of instances); this module computes the candidate instants (the slots'
//! instants in the workspace's zone, DST-correct, [`crate::foundation::domain::plan`]) and hands
//! every write to the [`Writer`], so each post change is invalidated before it is
//! acknowledged.

pub mod feeds;
pub mod fetch;
pub mod import;
pub mod settings;

use crate::coherence::changes::Writer;
use crate::coherence::error::{AppError, AppResult};
use crate::coherence::lookups::Lookups;
use crate::foundation::domain::plan::{self, Queue, Slot};
use crate::foundation::domain::{PostStatus, Workspace};
use crate::gate::auth::Principal;
use crate::storage::store::{PlanStore, PostStore};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

// The slot instants a queue addition may choose from: the posts' own (queued.rs).
pub use crate::services::posts::queued::{candidates, zone, HORIZON_DAYS, MAX_CANDIDATES};
/// How many free slots `GET …/queue` lists.
const NEXT_SHOWN: usize = 10;

/// `GET …/queue`.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueView {
    pub timezone: String,
    pub paused: bool,
    pub slots: Vec<Slot>,
    /// The next free slots (RFC 3339, UTC), at most 10.
    pub next: Vec<String>,
}

/// Body of `PUT …/queue`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueInput {
    pub slots: Vec<Slot>,
    /// Absent: unchanged.
    pub paused: Option<bool>,
}

/// The queue use cases. Cheap to clone.
#[derive(Clone)]
pub struct PlanService {
    plan: Arc<dyn PlanStore>,
    /// Only to read which slots posts hold (the calendar).
    posts: Arc<dyn PostStore>,
    lookups: Lookups,
    writer: Writer,
}

impl PlanService {
    pub fn new(
        plan: Arc<dyn PlanStore>,
        posts: Arc<dyn PostStore>,
        lookups: Lookups,
        writer: Writer,
    ) -> Self {
        Self { plan, posts, lookups, writer }
    }

    async fn workspace(&self, id: &str) -> AppResult<Workspace> {
        self.lookups.workspace(id).await?.ok_or(AppError::NotFound)
    }

    pub async fn queue(&self, ws_id: &str) -> AppResult<QueueView> {
        let ws = self.workspace(ws_id).await?;
        let queue = self.plan.queue(&ws.id).await?.unwrap_or_default();
        self.view(&ws, queue).await
    }

    #[tracing::instrument(skip_all, fields(workspace = %ws_id))]
    pub async fn set_queue(
        &self,
        who: &Principal,
        ws_id: &str,
        input: QueueInput,
    ) -> AppResult<QueueView> {
        let ws = self.workspace(ws_id).await?;
        let slots = plan::slots(input.slots)?;
        let current = self.plan.queue(&ws.id).await?.unwrap_or_default();
        let queue = Queue { slots, paused: input.paused.unwrap_or(current.paused) };
        let now = crate::foundation::domain::model::now_ms();
        let candidates = plan::upcoming(zone(&ws), &queue.slots, now, MAX_CANDIDATES, HORIZON_DAYS);
        self.writer.save_queue(&ws.id, &queue, now, &candidates, &who.actor()).await?;
        self.view(&ws, queue).await
    }

    /// Checks and imports a CSV file ([`import`]).
    pub async fn import(
        &self,
        posts: &crate::services::posts::PostService,
        who: &Principal,
        ws_id: &str,
        body: &[u8],
        options: import::Options,
    ) -> AppResult<import::Imported> {
        let ws = self.workspace(ws_id).await?;
        import::import(self.plan.as_ref(), &self.writer, posts, who, &ws, body, options).await
    }

    /// The queue as answered, with its next free slots (those no post holds now).
    async fn view(&self, ws: &Workspace, queue: Queue) -> AppResult<QueueView> {
        let now = Utc::now();
        let ahead = plan::upcoming(zone(ws), &queue.slots, now, 500, HORIZON_DAYS);
        let next = match (ahead.first(), ahead.last()) {
            (Some(first), Some(last)) => {
                let to = *last + chrono::Duration::milliseconds(1);
                let held = self.posts.calendar(&ws.id, *first, to, 10_000).await?;
                let taken: std::collections::HashSet<DateTime<Utc>> = held
                    .iter()
                    .filter(|p| holds_slot(p.status))
                    .filter_map(|p| p.schedule_at)
                    .collect();
                ahead.into_iter().filter(|at| !taken.contains(at)).take(NEXT_SHOWN).collect()
            }
            _ => vec![],
        };
        Ok(QueueView {
            timezone: ws.timezone.clone(),
            paused: queue.paused,
            slots: queue.slots,
            next: next.iter().map(rfc3339).collect(),
        })
    }
}

/// Whether a post in `status` holds its time's slot (API.md: all but draft, failed,
/// cancelled and deleted).
pub fn holds_slot(status: PostStatus) -> bool {
    !matches!(
        status,
        PostStatus::Draft | PostStatus::Failed | PostStatus::Cancelled | PostStatus::Deleted
    )
}

fn rfc3339(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
