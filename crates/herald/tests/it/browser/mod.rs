//! The dashboard in a real browser: headless Chromium driven through ChromeDriver
//! (WebDriver, via `fantoccini`) against the real Herald on port 0 with the in-process
//! Ayrshare simulator.
//!
//! - here: machines' access tokens. One editor signs in with a token and composes a post;
//!   an approver approves it in a second browser session; the editor's page shows the new
//!   status without reloading, within 2 s. A post made through the API changes the counts
//!   live; a dropped stream reconnects; nothing is wider than a 375 px phone.
//! - [`people`]: people. An admin invites an editor and an approver through the Team
//!   page, they accept through `/invitation`, the editor writes, the approver approves by
//!   name, the audit trail reads with names, a new tab stays signed in, and removing the
//!   approver ends their live page and sends their next click to sign in without losing
//!   what they typed; profile, settings, the switcher and the error pages besides.
//! - [`planning`]: the calendar. Drag a post to another day and see it move in a second
//!   browser; a stale move offers a reload; "Move to…" for the keyboard. The dashboard
//!   list's search, filters and "Next up".
//! - [`collaboration`]: the notification bell, live, both ways; an uploaded image seen
//!   on the approver's card.
//!
//! - [`plan`]: "Add to queue" in the composer, and a post written from an empty
//!   calendar day (by mouse) and hour (by keyboard).
//! - [`analytics`]: the analytics page draws its chart, changes range and exports CSV.
//! - [`webhooks`]: the settings page's Webhooks panel: add, test, log, retry.
//! - [`review`]: a client reviews through a link (no session): comments, requests
//!   changes, the editor sees it live and resubmits, the client approves, it publishes.
//!
//! Screenshots are saved as artifacts (`HERALD_ARTIFACTS_DIR`, default
//! `target/artifacts`) and to `docs/screenshots/` (the README shows them).
//!
//! Without Chromium or ChromeDriver the test says `skipped: ...` and passes, unless
//! `HERALD_REQUIRE_BROWSER=1` (for CI, where it must run).

mod analytics;
mod axe;
mod collaboration;
mod compose;
mod driver;
mod forgiving;
mod people;
mod plan;
mod planning;
mod reset;
mod review;
mod seed;
mod webhooks;

use driver::{
    click, page_stream, screenshot, sign_in, wait_dom, wait_page, Browser, ChromeDriver, Viewport,
};
use fantoccini::{Client, Locator};
use futures::FutureExt;
use serde_json::json;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The workspace root (two levels above this crate).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Chromium and ChromeDriver, or `None` after saying why the test is skipped (a failure
/// with `HERALD_REQUIRE_BROWSER=1`).
fn browser_or_skip() -> Option<Browser> {
    match Browser::find() {
        Ok(b) => Some(b),
        Err(why) => {
            let required = std::env::var("HERALD_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
            assert!(!required, "HERALD_REQUIRE_BROWSER=1 but no Chromium ({why})");
            let _ = writeln!(std::io::stderr(), "skipped: no Chromium ({why}); install chromium and chromium-driver to run the browser test");
            None
        }
    }
}

fn artifacts_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HERALD_ARTIFACTS_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let target = if target.is_absolute() { target } else { root().join(target) };
    target.join("artifacts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_updates_live_across_sessions_in_a_real_browser() {
    let Some(browser) = browser_or_skip() else { return };
    let started = Instant::now();
    let app = crate::support::spawn_app().await;
    let seeded = seed::workspace(&app).await;
    let chrome = ChromeDriver::start(&browser).await;
    let (editor, approver, phone) = tokio::join!(
        chrome.session(Viewport::Desktop),
        chrome.session(Viewport::Desktop),
        chrome.session(Viewport::Phone)
    );

    let outcome =
        AssertUnwindSafe(scenario(&app, &seeded, &editor, &approver, &phone)).catch_unwind().await;
    for c in [editor, approver, phone] {
        let _ = c.close().await;
    }
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    let _ =
        writeln!(std::io::stderr(), "browser test took {:.1} s", started.elapsed().as_secs_f64());
}

async fn scenario(
    app: &crate::support::TestApp,
    s: &seed::Seeded,
    editor: &Client,
    approver: &Client,
    phone: &Client,
) {
    let ws = &s.ws;
    let artifacts = artifacts_dir();
    let docs = root().join("docs/screenshots");

    // The editor signs in; the page must never reload from here on.
    sign_in(editor, &app.url, &s.editor, ws).await;
    editor.execute("window.__sameDocument = true;", vec![]).await.unwrap();

    // The page's scripts are ES modules with no global and no classic script (their pure
    // logic, the zone arithmetic and the event-stream parser, runs under `node --test`).
    let modules = editor.execute(
        "return [typeof window.Herald, document.querySelectorAll('script[src]:not([type=module])').length,\
            document.querySelectorAll('script[type=module]').length]", vec![]).await.unwrap();
    assert_eq!(modules, json!(["undefined", 0, 1]));

    // An API error lands next to the field it names: no platform chosen.
    let text = "Launch day! Our spring range is in stores now, and the first 100 orders ship free."
        .to_owned();
    editor.find(Locator::Id("compose-text")).await.unwrap().send_keys(&text).await.unwrap();
    click(editor, "#compose-form button[value=submit]").await;
    let err = wait_dom(editor, "the platforms error", Duration::from_secs(5),
        "(e => e && !e.hidden && e.textContent)(document.querySelector('#compose-form [data-error-for=platforms]'))").await;
    assert!(err.as_str().unwrap().contains("network"), "{err}");

    // The live count follows the tightest chosen platform.
    click(editor, "#compose-form input[name=platforms][value=linkedin]").await;
    click(editor, "#compose-form input[name=platforms][value=twitter]").await;
    let count = wait_dom(
        editor,
        "the character count against X's limit",
        Duration::from_secs(2),
        "(t => t.includes('/ 280') && t)(document.getElementById('compose-count').textContent)",
    )
    .await;
    assert!(
        count.as_str().unwrap().starts_with(&format!("{} / 280", text.chars().count())),
        "{count}"
    );

    // Submit: the post appears in the list, pending approval.
    click(editor, "#compose-form button[value=submit]").await;
    let find_row = format!("[...document.querySelectorAll('#post-list li.post-item')].find(li => li.textContent.includes({}))", json!(text));
    let id = wait_dom(editor, "the new post in the list", Duration::from_secs(5),
        &format!("(li => li && li.dataset.status === 'pending_approval' && li.dataset.postId)({find_row})")).await;
    let id = id.as_str().unwrap().to_owned();
    assert_eq!(app.get_post(ws, &id, &s.editor).await["status"], "pending_approval");

    // The approver signs in elsewhere and opens the queue through the navigation.
    sign_in(approver, &app.url, &s.approver, ws).await;
    click(approver, "nav a[href$='/approvals']").await;
    let card = format!("article.review-card[data-post-id='{id}']");
    wait_page(approver, "the post in the approval queue", Duration::from_secs(10),
        &format!("location.pathname.endsWith('/approvals') && document.getElementById('live').dataset.state === 'open' && !!document.querySelector(\"{card} button[data-action=approve]\")")).await;
    let label = approver
        .find(Locator::Css(&format!("{card} button[data-action=approve]")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(label, "Approve");
    screenshot(approver, &[artifacts.join("approval-queue-tokens.png")]).await;

    // Approve; the editor's page shows the new status without reloading, within 2 s.
    let clicked = Instant::now();
    click(approver, &format!("{card} button[data-action=approve]")).await;
    wait_dom(editor, "the approved post's new status on the editor's page", Duration::from_secs(2),
        &format!("document.querySelector(\"#post-list li[data-post-id='{id}']\").dataset.status === 'published'")).await;
    let took = clicked.elapsed();
    assert!(took < Duration::from_secs(2), "status change took {took:?}");
    let _ = writeln!(
        std::io::stderr(),
        "approval seen live by the editor after {} ms",
        took.as_millis()
    );
    assert_eq!(
        editor.execute("return window.__sameDocument === true", vec![]).await.unwrap(),
        true,
        "the page was reloaded"
    );
    wait_dom(
        approver,
        "the card leaving the queue",
        Duration::from_secs(2),
        &format!("!document.querySelector(\"{card}\")"),
    )
    .await;

    // A post made through the API changes the counts live.
    let total = |c: &Client| {
        let c = c.clone();
        async move {
            c.execute("return Number(document.getElementById('count-total').dataset.count)", vec![])
                .await
                .unwrap()
                .as_i64()
                .unwrap()
        }
    };
    let before = total(editor).await;
    let reads = "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/history?'))";
    let reads_before = editor.execute(reads, vec![]).await.unwrap().as_array().unwrap().len();
    let made = Instant::now();
    app.create_post(ws, &s.editor, json!({"text": "Reminder: the studio is closed on Monday for inventory.", "platforms": ["facebook"], "submit": false}))
        .await
        .expect(201);
    wait_dom(
        editor,
        "the total count to grow",
        Duration::from_secs(2),
        &format!("document.getElementById('count-total').dataset.count === '{}'", before + 1),
    )
    .await;
    let counted = made.elapsed();
    assert!(counted < Duration::from_secs(2), "count change took {counted:?}");
    // The post came with its event; only the head (counts, freshness) was re-read.
    let after = editor.execute(reads, vec![]).await.unwrap();
    let rereads: Vec<&str> =
        after.as_array().unwrap()[reads_before..].iter().filter_map(|v| v.as_str()).collect();
    assert!(!rereads.is_empty() && rereads.iter().all(|r| r.ends_with("?limit=0")), "{rereads:?}");
    let _ =
        writeln!(std::io::stderr(), "API-made post counted live after {} ms", counted.as_millis());
    assert_eq!(total(editor).await, before + 1);
    screenshot(editor, &[artifacts.join("dashboard.png"), docs.join("dashboard.png")]).await;

    // A dropped connection: the page says so, reconnects with backoff and re-reads the
    // history, so a change made while it was away still shows.
    page_stream(editor, "drop").await;
    wait_dom(
        editor,
        "the page to notice the dropped stream",
        Duration::from_secs(2),
        "document.getElementById('live').dataset.state === 'retrying'",
    )
    .await;
    app.create_post(ws, &s.editor, json!({"text": "Posted while the dashboard was reconnecting.", "platforms": ["linkedin"], "submit": false}))
        .await
        .expect(201);
    wait_dom(editor, "reconnection and the re-read history", Duration::from_secs(5),
        &format!("document.getElementById('live').dataset.state === 'open' && document.getElementById('count-total').dataset.count === '{}'", before + 2)).await;
    assert_eq!(
        editor.execute("return window.__sameDocument === true", vec![]).await.unwrap(),
        true,
        "the page was reloaded"
    );

    // Readable at 375 px: no page is wider than the screen.
    sign_in(phone, &app.url, &s.editor, ws).await;
    fits_375(phone, "the dashboard").await;
    screenshot(phone, &[artifacts.join("dashboard-375.png")]).await;
    for (page, path) in [
        ("the approval queue", format!("/w/{ws}/approvals")),
        ("the calendar", format!("/w/{ws}/calendar")),
        ("the post page", format!("/w/{ws}/posts/{id}")),
        ("the team page", format!("/w/{ws}/team")),
        ("the settings page", format!("/w/{ws}/settings")),
    ] {
        phone.goto(&format!("{}{path}", app.url)).await.unwrap();
        wait_page(phone, page, Duration::from_secs(5), "document.body.dataset.loaded === 'true'")
            .await;
        fits_375(phone, page).await;
    }
}

/// The page is laid out within 375 CSS pixels (a wider layout widens the viewport).
async fn fits_375(c: &Client, page: &str) {
    let widths = c
        .execute("return [window.innerWidth, document.documentElement.scrollWidth]", vec![])
        .await
        .unwrap();
    assert_eq!(widths[0], 375, "{page} at 375 px: {widths}");
    assert!(
        widths[1].as_i64() <= widths[0].as_i64(),
        "{page} scrolls sideways at 375 px: {widths}"
    );
}
