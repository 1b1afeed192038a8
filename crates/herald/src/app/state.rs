//! The service's shared state: one `Arc` (cloning it, or any sub-state, is one counter),
//! and the sub-states a handler names through `FromRef` — `State<PostService>`,
//! `State<Dashboard>`, … — so a handler says what it uses and reaches nothing else (no
//! handler holds the store: reads and writes go through the services).

use crate::app::metrics::Metrics;
use crate::coherence::error::{AppError, AppResult};
use crate::commands::people::PeopleService;
use crate::foundation::secret::Secret;
use crate::gate::auth::layer::Gate;
use crate::gate::auth::{self, Principal};
use crate::gate::dashboard::Dashboard;
use crate::services::accounts::AccountService;
use crate::services::analytics::Analytics;
use crate::services::library::LibraryService;
use crate::services::live::Live;
use crate::services::media::MediaService;
use crate::services::notify::Notifier;
use crate::services::plan::feeds::Feeds;
use crate::services::plan::PlanService;
use crate::services::posts::PostService;
use crate::services::review::Review;
use crate::services::scheduler::Scheduler;
use crate::services::webhooks::WebhookService;
use crate::services::webhooks_out::Webhooks;
use crate::services::workspaces::WorkspaceService;
use crate::storage::store::Lifecycle;
use axum::extract::FromRef;
use herald_cache::{Cache, Tier};
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

/// Everything the handlers may use.
pub struct AppInner {
    pub posts: PostService,
    pub workspaces: WorkspaceService,
    pub accounts: AccountService,
    pub people: PeopleService,
    pub webhooks: WebhookService,
    pub scheduler: Scheduler,
    pub notifier: Notifier,
    pub media: MediaService,
    pub dashboard: Dashboard,
    pub live: Live,
    pub gate: Arc<Gate>,
    pub ops: Ops,
    pub metrics: Metrics,
    pub analytics: Analytics,
    /// Outgoing webhooks.
    pub hooks_out: Webhooks,
    /// Comments and client review links.
    pub review: Review,
    /// The posting queue and CSV import.
    pub plan: PlanService,
    /// RSS / Atom feeds polled into drafts.
    pub feeds: Feeds,
    /// Templates and hashtag groups.
    pub library: LibraryService,
}

impl AppState {
    pub fn new(inner: AppInner) -> Self {
        Self(Arc::new(inner))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppInner;
    fn deref(&self) -> &AppInner {
        &self.0
    }
}

macro_rules! sub_states {
    ($($field:ident: $ty:ty),* $(,)?) => {$(
        impl FromRef<AppState> for $ty {
            fn from_ref(state: &AppState) -> $ty {
                state.0.$field.clone()
            }
        }
    )*};
}

sub_states! {
    posts: PostService,
    workspaces: WorkspaceService,
    accounts: AccountService,
    people: PeopleService,
    webhooks: WebhookService,
    scheduler: Scheduler,
    notifier: Notifier,
    media: MediaService,
    dashboard: Dashboard,
    live: Live,
    gate: Arc<Gate>,
    ops: Ops,
    metrics: Metrics,
    analytics: Analytics,
    hooks_out: Webhooks,
    review: Review,
    plan: PlanService,
    feeds: Feeds,
    library: LibraryService,
}

/// What the operations routes need: readiness of the dependencies and the cron secret.
#[derive(Clone)]
pub struct Ops {
    inner: Arc<OpsInner>,
}

struct OpsInner {
    /// Only pinged, for readiness.
    store: Arc<dyn Lifecycle>,
    cache: Cache,
    cron_secret: Option<Secret>,
}

impl Ops {
    pub fn new(store: Arc<dyn Lifecycle>, cache: Cache, cron_secret: Option<Secret>) -> Self {
        Self { inner: Arc::new(OpsInner { store, cache, cron_secret }) }
    }

    /// The external cron (its secret) or the global admin may run the scheduler.
    pub fn may_run_scheduler(&self, bearer: &str, principal: Option<&Principal>) -> AppResult<()> {
        let cron = self.inner.cron_secret.as_ref();
        let cron_ok = cron.is_some_and(|s| auth::secrets_equal(bearer, s.expose()));
        match (cron_ok, principal) {
            (true, _) | (_, Some(Principal::Admin)) => Ok(()),
            _ => Err(AppError::Unauthorized),
        }
    }

    /// Whether the database answers, and the cache tier's state.
    pub async fn readiness(&self) -> (bool, Tier) {
        let database = match self.inner.store.ping().await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "readiness: database unreachable");
                false
            }
        };
        (database, self.inner.cache.tier())
    }

    pub fn cache(&self) -> &Cache {
        &self.inner.cache
    }
}
