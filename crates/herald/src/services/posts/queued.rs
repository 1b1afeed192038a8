//! Submitting a post into the workspace's queue (`"queue": true` on submit): the post
//! takes the next free slot, chosen in the store's transaction under the queue's lock
//! ([`PlanStore::save_queued`](crate::storage::store::PlanStore::save_queued)), so concurrent
//! additions never share a slot.

use super::{context, event_by, PostService};
use crate::coherence::error::{AppError, AppResult};
use crate::foundation::domain::audit::AuditAction;
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::transitions::{self, Action, Effect};
use crate::foundation::domain::{Post, Workspace};
use crate::gate::auth::Principal;
use crate::storage::store::{NewEvent, Planned};
use chrono::{DateTime, Utc};

use super::Decision;
use crate::foundation::domain::plan;
use crate::storage::store::PlanStore;
use chrono_tz::Tz;

/// How many slot times a queue addition may look through.
pub const MAX_CANDIDATES: usize = 5_000;
/// How far ahead a queue's slots are looked for.
pub const HORIZON_DAYS: u32 = 731;

/// The workspace's zone (UTC if it names none chrono-tz knows).
pub fn zone(ws: &Workspace) -> Tz {
    ws.timezone.parse().unwrap_or(Tz::UTC)
}

/// The instants a queue addition may take after `now`, earliest first; 422
/// `queue_empty` if the workspace's queue has no slots.
pub async fn candidates(
    store: &dyn PlanStore,
    ws: &Workspace,
    now: DateTime<Utc>,
) -> AppResult<Vec<DateTime<Utc>>> {
    let queue = store.queue(&ws.id).await?.unwrap_or_default();
    let slots = plan::upcoming(zone(ws), &queue.slots, now, MAX_CANDIDATES, HORIZON_DAYS);
    if slots.is_empty() {
        return Err(AppError::unprocessable(
            "queue_empty",
            "This workspace's queue has no time slots: add some in the queue settings.",
            serde_json::json!({ "field": "queue" }),
        ));
    }
    Ok(slots)
}

impl PostService {
    /// Submits `before` at the queue's next free slot.
    pub(super) async fn submit_queued(
        &self,
        who: &Principal,
        ws: &Workspace,
        before: Post,
        d: Decision,
    ) -> AppResult<Post> {
        let now = now_ms();
        let slots = candidates(self.inner.plan.as_ref(), ws, now).await?;
        let mut next = before.clone();
        next.schedule_at = slots.first().copied();
        let effect = transitions::decide(Action::Submit, before.status, &context(ws, &next))
            .map_err(|r| AppError::InvalidTransition(r.0))?;
        let Effect::To(status) = effect else {
            return Err(AppError::invalid("queue", "This post cannot take a queue slot now."));
        };
        self.check_upstream(ws, &next).await?;
        next.status = status;
        next.version = before.version + 1;
        next.updated_at = now;
        let event = event_by(who, AuditAction::Submit, d.comment, Some(before.status));
        let writer = &self.inner.writer;
        Ok(writer.save_queued(&ws.id, before.version, &next, &event, &slots).await?.post)
    }

    /// Creates `post` at the first free of `slots` (a create with `"queue": true`).
    pub(super) async fn insert_queued(
        &self,
        ws: &Workspace,
        post: Post,
        event: NewEvent,
        slots: &[DateTime<Utc>],
    ) -> AppResult<Post> {
        let item = Planned { post, event, key: None, queued: true };
        let mut done = self.inner.writer.insert_planned(&ws.id, &[item], slots).await?;
        let created = done.committed.pop().ok_or_else(|| AppError::internal("not created"))?;
        Ok(created.post)
    }

    /// What Ayrshare would refuse of `post` if it were submitted now (for imports).
    pub async fn upstream_ok(&self, ws: &Workspace, post: &Post) -> AppResult<()> {
        self.check_upstream(ws, post).await
    }
}
