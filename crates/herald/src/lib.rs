//! Herald: teams publish to social networks through Ayrshare, with an approval
//! workflow, a scheduler that publishes on time exactly once, and a dashboard that is
//! never stale.
//!
//! The crate is seven layers, one folder each, listed here from the top down. A module
//! names modules of its own layer or of a layer below, never above, and the modules name
//! each other one way; `tests/it/house/cycles.rs` keeps both so. `docs/ARCHITECTURE.md`
//! walks the write and read paths through these modules.
//! - [`app`], entry and composition: [`startup`](app::startup) builds the service and
//!   runs it until shutdown (the binary is `main.rs`); [`router`](app::router), every
//!   route and layer in one place; [`http`](app::http), the JSON handlers of API.md;
//!   [`web`](app::web), the pages; [`demo`](app::demo), the `--demo` workspace;
//!   [`state`](app::state), the shared state and the sub-states handlers name;
//!   [`metrics`](app::metrics), the `/metrics` registry.
//! - [`commands`], commands and settings: [`ops`](commands::ops), backup, restore and the
//!   database lock; [`config`](commands::config), the command line and environment;
//!   [`people`](commands::people), sign-in, profiles, members and invitations (and
//!   `herald user …`).
//! - [`services`], the use cases: [`webhooks_out`](services::webhooks_out), Herald's
//!   webhooks to its users' endpoints; [`review`](services::review), comments, mentions
//!   and client review links; [`plan`](services::plan), the posting queue, CSV import and
//!   feeds to drafts; [`library`](services::library), templates and hashtag groups;
//!   [`scheduler`](services::scheduler), the due-post loop; [`notify`](services::notify),
//!   notifications in the app and by e-mail; [`posts`](services::posts), the post use
//!   cases; [`webhooks`](services::webhooks), Ayrshare's deliveries to Herald;
//!   [`accounts`](services::accounts), a workspace's linked social accounts;
//!   [`analytics`](services::analytics), post and account figures and their refresh;
//!   [`live`](services::live), event streams; [`media`](services::media), uploads and
//!   their storage; [`workspaces`](services::workspaces), workspaces and tokens.
//! - [`gate`], the gate and the read: [`auth`](gate::auth), who is calling (principals,
//!   the gate every request passes, extractors); [`dashboard`](gate::dashboard), the
//!   never-stale read.
//! - [`coherence`]: [`lookups`](coherence::lookups), cached workspace and access reads;
//!   [`names`](coherence::names), who each actor is, and posts and events as clients see
//!   them; [`publish`](coherence::publish), exactly-once publishing;
//!   [`error`](coherence::error), the one error type and its body;
//!   [`changes`](coherence::changes), the one write path of posts and its after-commit
//!   hooks; [`gateway`](coherence::gateway), Ayrshare calls within each profile's budget;
//!   [`ratelimit`](coherence::ratelimit), per-caller limits.
//! - [`storage`], vocabulary and storage: [`store`](storage::store), the storage trait
//!   and its SQL implementations; [`cache_keys`](storage::cache_keys), every cache key,
//!   tag and topic.
//! - [`foundation`]: [`domain`](foundation::domain), statuses, roles, the state machine,
//!   records, validation (pure); [`mail`](foundation::mail), SMTP;
//!   [`server`](foundation::server), the accept loop and connection limits;
//!   [`secret`](foundation::secret), values never shown whole;
//!   [`client_ip`](foundation::client_ip), the client address behind trusted proxies;
//!   [`telemetry`](foundation::telemetry), logs; [`background`](foundation::background),
//!   owned background tasks.

#![forbid(unsafe_code)]

pub mod app;
pub mod coherence;
pub mod commands;
pub mod foundation;
pub mod gate;
pub mod services;
pub mod storage;
