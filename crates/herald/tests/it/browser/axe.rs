//! Accessibility, checked by a tool nobody here wrote: axe-core (npm, installed by
//! `.ci/axe-core.sh` into `AXE_CORE_DIR`, default `target/axe-core`) injected into every
//! page (this round's plan, profile, password reset and client review pages too) in a
//! 1440 x 900 window and on a 375 px phone; no page may have a serious or critical WCAG 2 A/AA
//! problem, and on the phone no page may scroll sideways (UX review 3: 140 contrast
//! failures on the dashboard from three colours, seen failing here before they changed).

use super::driver::{sign_in, wait_page, ChromeDriver, Viewport};
use super::{browser_or_skip, root, seed};
use crate::support::{spawn_app, TestApp};
use fantoccini::Client;
use futures::FutureExt;
use serde_json::Value;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::Duration;

/// axe-core's script, or `None` after saying why the test is skipped (a failure in CI).
fn axe_or_skip() -> Option<String> {
    let dir = std::env::var_os("AXE_CORE_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/axe-core"));
    let file = dir.join("node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&file) {
        Ok(script) => Some(script),
        Err(e) => {
            let required = std::env::var("HERALD_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
            assert!(!required, "HERALD_REQUIRE_BROWSER=1 but no axe-core at {file:?}: {e}");
            let _ = writeln!(
                std::io::stderr(),
                "skipped: no axe-core ({e}); run .ci/axe-core.sh to install it"
            );
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_serious_problem_on_any_page_at_desktop_or_phone_size() {
    let Some(browser) = browser_or_skip() else { return };
    let Some(axe) = axe_or_skip() else { return };
    let app = spawn_app().await;
    let seeded = seed::workspace(&app).await;
    let admin = app.token(&seeded.ws, "admin").await;
    let chrome = ChromeDriver::start(&browser).await;
    let (desktop, phone) =
        tokio::join!(chrome.session(Viewport::Desktop), chrome.session(Viewport::Phone));
    let outcome = AssertUnwindSafe(async {
        desktop.set_window_size(1440, 900).await.expect("a 1440 x 900 window");
        let mut found = every_page(&app, &desktop, &seeded.ws, &admin, &axe, "desktop").await;
        found.extend(every_page(&app, &phone, &seeded.ws, &admin, &axe, "phone").await);
        assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
    })
    .catch_unwind()
    .await;
    for c in [desktop, phone] {
        let _ = c.close().await;
    }
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// The problems axe-core finds on each page, one line each (page, size, rule, nodes).
async fn every_page(
    app: &TestApp,
    c: &Client,
    ws: &str,
    token: &str,
    axe: &str,
    size: &str,
) -> Vec<String> {
    c.goto(&format!("{}/", app.url)).await.unwrap();
    let mut found = check(c, axe, "sign-in", size).await;
    sign_in(c, &app.url, token, ws).await;
    let post = first_post(app, ws, token).await;
    let review = review_link(app, ws, &post).await;
    let pages = ["", "/approvals", "/calendar", "/plan", "/analytics", "/team", "/settings"];
    let pages = pages.iter().map(|p| format!("/w/{ws}{p}")).chain([
        format!("/w/{ws}/posts/{post}"),
        "/me".to_owned(),
        "/reset-password".to_owned(),
        review,
    ]);
    for page in pages {
        c.goto(&format!("{}{page}", app.url)).await.unwrap();
        let loaded = "document.body.dataset.loaded";
        wait_page(c, &format!("{page} loaded"), Duration::from_secs(10), loaded).await;
        let shown = page.replace(ws, "…").split("/review/").next().unwrap_or_default().to_owned();
        found.extend(check(c, axe, &shown, size).await);
    }
    found
}

/// The client review page of `post` (a link made by an approver): its path.
async fn review_link(app: &TestApp, ws: &str, post: &str) -> String {
    let approver = app.token(ws, "approver").await;
    let body = serde_json::json!({"post_ids": [post], "reviewer_name": "Carla Client"});
    let path = format!("/api/workspaces/{ws}/review-links");
    let link =
        app.call(reqwest::Method::POST, &path, Some(&approver), Some(body)).await.expect(201);
    let url = link["url"].as_str().expect("the link's url");
    format!("/review/{}", url.rsplit_once("/review/").expect("a review url").1)
}

/// A post that waits for a decision (its page shows the most).
async fn first_post(app: &TestApp, ws: &str, token: &str) -> String {
    let path = format!("/api/workspaces/{ws}/posts?status=pending_approval");
    let page = app.call(reqwest::Method::GET, &path, Some(token), None).await.expect(200);
    page["posts"][0]["id"].as_str().expect("a pending post").to_owned()
}

/// Runs axe-core on the page as it is: its serious and critical violations, and whether
/// the page is wider than the window.
async fn check(c: &Client, axe: &str, page: &str, size: &str) -> Vec<String> {
    c.execute(axe, vec![]).await.expect("axe-core injected");
    let script = r#"const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
          .then(r => done(r.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ' (' + v.impact + ', ' + v.nodes.length + ' nodes), e.g. '
              + v.nodes[0].target.join(' ') + ': ' + v.nodes[0].failureSummary.replace(/\s+/g, ' '))))
          .catch(e => done(['axe failed: ' + e]));"#;
    let found: Value = c.execute_async(script, vec![]).await.expect("axe.run");
    let mut lines: Vec<String> = found
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| format!("{page} at {size}: {}", v.as_str().unwrap_or_default()))
        .collect();
    let wide = "document.documentElement.scrollWidth - window.innerWidth";
    let over = c.execute(&format!("return {wide}"), vec![]).await.unwrap();
    if over.as_i64().unwrap_or(0) > 0 {
        lines.push(format!("{page} at {size}: scrolls sideways by {over} px"));
    }
    lines
}
