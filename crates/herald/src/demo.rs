//! `herald serve --demo`: a workspace named `Demo` with 31 posts in assorted states,
//! made through the same use cases a team would call (so published ones really went
//! through the sandbox simulator). Publishes only in sandbox mode: with a real Ayrshare
//! key the demo keeps to drafts, approvals and schedules.

use crate::auth::{hash_token, Principal};
use crate::domain::model::now_ms;
use crate::domain::transitions::Action;
use crate::domain::{LateApproval, Post, Role};
use crate::posts::{Decision, NewPost};
use crate::state::AppState;
use crate::workspaces::{NewToken, NewWorkspace};
use anyhow::Context;
use ayrshare_sim::SimHandle;
use chrono::Duration;

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

/// Seeds the demo workspace unless it exists; returns its id and whether it was created.
pub async fn seed(state: &AppState, sandbox: Option<&SimHandle>) -> anyhow::Result<(String, bool)> {
    let existing = state.workspaces.list(&Principal::Admin).await.map_err(anyhow_of)?;
    if let Some(ws) = existing.into_iter().find(|w| w.name == DEMO_NAME) {
        return Ok((ws.id, false));
    }
    let input = NewWorkspace {
        name: DEMO_NAME.into(),
        ayrshare_profile_key: format!("demo-profile-{}", uuid::Uuid::new_v4().simple()),
        timezone: Some("Europe/London".into()),
        requires_approval: Some(true),
        late_approval: Some(LateApproval::Expire),
    };
    let ws = state.workspaces.create(input).await.map_err(anyhow_of)?;
    let editor = principal(state, &ws.id, Role::Editor, "Demo editor").await?;
    let approver = principal(state, &ws.id, Role::Approver, "Demo approver").await?;
    let seeder = Seeder { state, ws: &ws.id, editor, approver, n: 0 };
    seeder.run(sandbox).await.context("seeding demo posts")?;
    Ok((ws.id, true))
}

fn anyhow_of(e: crate::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// A token of `role` in the workspace, as the principal it authenticates as.
async fn principal(
    state: &AppState,
    ws: &str,
    role: Role,
    name: &str,
) -> anyhow::Result<Principal> {
    let input = NewToken { role, name: Some(name.into()) };
    let token = state.workspaces.issue_token(ws, input).await.map_err(anyhow_of)?;
    let hash = hash_token(&token.token);
    Ok(Principal::Token { id: token.id, workspace_id: ws.to_owned(), role, hash })
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
            let d = Decision { version: Some(post.version), comment };
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
