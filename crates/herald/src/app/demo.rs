//! `herald serve --demo`: a workspace named `Demo` with one user per role (printed with
//! their passwords) and 31 posts in assorted states, written by the demo editor and
//! decided by the demo approver through the same use cases a team would call (so
//! published ones really went through the sandbox simulator). Publishes only in sandbox
//! mode: with a real Ayrshare key the demo keeps to drafts, approvals and schedules.
//!
//! The built-in simulator keeps nothing across restarts, so on every start in sandbox
//! mode [`recreate_sandbox_profiles`] gives it back each workspace's profile (every
//! network linked) and says so in one log line: a restarted sandbox still publishes.

use crate::app::state::AppState;
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::transitions::Action;
use crate::foundation::domain::{LateApproval, Membership, Post, Role};
use crate::foundation::secret::Secret;
use crate::gate::auth::{self, Person, Principal};
use crate::services::posts::{Decision, NewPost};
use crate::services::workspaces::NewWorkspace;
use crate::storage::store::{AccessStore, Counts, PostStore};
use anyhow::Context;
use ayrshare_sim::SimHandle;
use chrono::Duration;
use std::sync::Arc;
use tracing::Instrument;

pub const DEMO_NAME: &str = "Demo";

const TOPICS: [&str; 8] = [
    "Our spring collection is live",
    "Behind the scenes at the studio",
    "Customer story: how Northwind ships faster",
    "Five tips for better product photos",
    "We are hiring a support engineer",
    "Live Q&A this Thursday",
    "Release notes: dark mode is here",
    "Thank you for 10k followers",
];

/// A demo user, with the password chosen for them.
pub struct DemoUser {
    pub email: String,
    pub role: Role,
    pub password: Secret,
}

/// What `--demo` found or made.
pub struct Seeded {
    pub workspace_id: String,
    /// Empty when the demo workspace already existed (the users too).
    pub users: Vec<DemoUser>,
    /// The workspace's posts by status, as found after seeding.
    pub counts: Counts,
}

impl Seeded {
    /// One line: what the demo workspace holds.
    pub fn summary(&self) -> String {
        let by_status: Vec<String> =
            self.counts.by_status.iter().map(|(status, n)| format!("{n} {status}")).collect();
        let what = if self.users.is_empty() { "already present" } else { "seeded" };
        format!(
            "Demo workspace {what}: {} users, {} posts ({})",
            DEMO_PEOPLE.len(),
            self.counts.total,
            by_status.join(", ")
        )
    }
}

/// Gives the built-in simulator, which starts empty, the profile of every workspace in
/// `store`, with every network linked; returns how many.
pub async fn recreate_sandbox_profiles(
    store: &dyn AccessStore,
    sandbox: &SimHandle,
) -> anyhow::Result<usize> {
    let workspaces = store.workspaces().await?;
    for ws in &workspaces {
        let key = ws.profile_key.expose();
        sandbox.sim.add_profile(&ws.name, key);
        sandbox.sim.link(key, &ayrshare::Platform::ALL, true)?;
    }
    if !workspaces.is_empty() {
        tracing::info!(
            workspaces = workspaces.len(),
            "sandbox: the built-in simulator keeps nothing across restarts; re-created the \
             Ayrshare profile of every workspace in it, every network linked"
        );
    }
    Ok(workspaces.len())
}

/// Seeds the demo workspace and its users unless the workspace exists.
pub async fn seed(
    state: &AppState,
    store: &dyn PostStore,
    sandbox: Option<&SimHandle>,
) -> anyhow::Result<Seeded> {
    let existing = state.workspaces.list(&Principal::Admin).await.map_err(anyhow_of)?;
    if let Some(ws) = existing.into_iter().find(|w| w.name == DEMO_NAME) {
        let counts = store.counts(&ws.id).await?;
        return Ok(Seeded { workspace_id: ws.id, users: vec![], counts });
    }
    let input = NewWorkspace {
        name: DEMO_NAME.into(),
        ayrshare_profile_key: None,
        timezone: Some("Europe/London".into()),
        requires_approval: Some(true),
        late_approval: Some(LateApproval::Expire),
    };
    let ws = state.workspaces.create(input).await.map_err(anyhow_of)?;
    if let Some(sim) = sandbox {
        // In the sandbox the team "links" every network at once (Ayrshare's linking page
        // in production: POST /api/workspaces/{ws}/connect).
        sim.sim.link(ws.profile_key.expose(), &ayrshare::Platform::ALL, true)?;
        // Read while everything is linked: the failures the demo shows below (Google
        // Business unlinked later) then happen at publishing, as they can in real life.
        state.accounts.linked(&ws).await;
    }
    let mut users = Vec::new();
    let mut people = Vec::new();
    for (role, name) in DEMO_PEOPLE {
        let (user, principal) = person(state, &ws.id, role, name).await?;
        users.push(user);
        people.push(principal);
    }
    let [_, approver, editor, _] = <[Principal; 4]>::try_from(people)
        .map_err(|_| anyhow::anyhow!("one demo user per role"))?;
    let seeder = Seeder { state, ws: &ws.id, editor, approver, n: 0 };
    // Its routine log lines would bury the summary: only warnings are written.
    let quiet = tracing::info_span!(crate::foundation::telemetry::QUIET);
    seeder.run(sandbox).instrument(quiet).await.context("seeding demo posts")?;
    let counts = store.counts(&ws.id).await?;
    Ok(Seeded { workspace_id: ws.id, users, counts })
}

/// The demo's people, one per role (the order [`seed`] relies on).
const DEMO_PEOPLE: [(Role, &str); 4] = [
    (Role::Admin, "Ada Admin"),
    (Role::Approver, "Avery Approver"),
    (Role::Editor, "Eddie Editor"),
    (Role::Viewer, "Vic Viewer"),
];

fn anyhow_of(e: crate::coherence::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// A user with `role` in the workspace and a random password, and the principal they
/// sign in as.
async fn person(
    state: &AppState,
    ws: &str,
    role: Role,
    name: &str,
) -> anyhow::Result<(DemoUser, Principal)> {
    let email = format!("{}@demo.example.com", role.as_str());
    let password = auth::new_token().0;
    let people = &state.people;
    let user = people
        .create_user(&email, name, password.expose().to_owned(), false)
        .await
        .map_err(anyhow_of)?;
    people.add_member(ws, &user.id, role).await.map_err(anyhow_of)?;
    let membership = Membership {
        workspace_id: ws.to_owned(),
        user_id: user.id.clone(),
        role,
        created_at: user.created_at,
    };
    let principal = Principal::User(Arc::new(Person {
        user,
        memberships: vec![membership],
        session: String::new(),
    }));
    Ok((DemoUser { email, role, password }, principal))
}

struct Seeder<'a> {
    state: &'a AppState,
    ws: &'a str,
    editor: Principal,
    approver: Principal,
    n: usize,
}

impl Seeder<'_> {
    async fn run(mut self, sandbox: Option<&SimHandle>) -> anyhow::Result<()> {
        let publish = sandbox.is_some();
        if let Some(sim) = sandbox {
            sim.sim.update_config(|c| c.fail_platforms = vec!["gmb".into()]);
        }
        for i in 0..12 {
            let platforms: &[&str] =
                if i % 3 == 0 { &["twitter", "linkedin"] } else { &["facebook", "instagram"] };
            self.post_and(platforms, None, &[Action::Approve], publish).await?;
        }
        for _ in 0..2 {
            self.post_and(&["twitter", "gmb"], None, &[Action::Approve], publish).await?;
        }
        for _ in 0..2 {
            self.post_and(&["gmb"], None, &[Action::Approve], publish).await?;
        }
        if let Some(sim) = sandbox {
            sim.sim.update_config(|c| c.fail_platforms.clear());
        }
        for day in 1..=5 {
            self.post_and(
                &["linkedin", "twitter"],
                Some(Duration::days(day)),
                &[Action::Approve],
                true,
            )
            .await?;
        }
        for _ in 0..4 {
            self.post_and(&["instagram"], Some(Duration::days(7)), &[], true).await?;
        }
        for _ in 0..2 {
            self.post_and(&["facebook"], None, &[Action::RequestChanges], true).await?;
        }
        self.post_and(&["twitter"], None, &[Action::Reject], true).await?;
        self.draft(&["linkedin"]).await?;
        self.draft(&["twitter", "bluesky"]).await?;
        self.post_and(&["threads"], Some(Duration::days(3)), &[Action::Delete], true).await?;
        Ok(())
    }

    fn next_text(&mut self) -> String {
        self.n += 1;
        format!("{} (demo post #{})", TOPICS[self.n % TOPICS.len()], self.n)
    }

    async fn create(
        &mut self,
        platforms: &[&str],
        schedule: Option<Duration>,
        submit: bool,
    ) -> anyhow::Result<Post> {
        let input = NewPost {
            text: self.next_text(),
            platforms: platforms.iter().map(|p| p.to_string()).collect(),
            media_urls: vec![],
            schedule_at: schedule.map(|d| (now_ms() + d).to_rfc3339()),
            submit: Some(submit),
            ..Default::default()
        };
        self.state.posts.create(&self.editor, self.ws, input).await.map_err(anyhow_of)
    }

    async fn draft(&mut self, platforms: &[&str]) -> anyhow::Result<Post> {
        self.create(platforms, None, false).await
    }

    /// Creates a post for approval, then applies `actions` as the approver. A post that
    /// would publish is only created (left pending) when publishing is off.
    async fn post_and(
        &mut self,
        platforms: &[&str],
        schedule: Option<Duration>,
        actions: &[Action],
        allowed: bool,
    ) -> anyhow::Result<()> {
        let mut post = self.create(platforms, schedule, true).await?;
        if !allowed {
            return Ok(());
        }
        for action in actions {
            let comment = matches!(action, Action::Reject | Action::RequestChanges)
                .then(|| "Please use our brand voice".to_owned());
            let d = Decision { version: Some(post.version), comment, queue: None };
            post = self
                .state
                .posts
                .decide(&self.approver, self.ws, &post.id, *action, d)
                .await
                .map_err(anyhow_of)?;
        }
        Ok(())
    }
}
