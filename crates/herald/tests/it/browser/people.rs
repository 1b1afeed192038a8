//! People in real browsers, each with its own profile (cookie jar): an admin invites an
//! editor and an approver through the Team page; both accept through `/invitation` and
//! set passwords; the editor writes a post; the approver sees it in the queue with the
//! editor's name and approves it; the audit trail reads with names; the post's URL opened
//! in a new tab stays signed in. Then the admin removes the approver: the approver's page
//! says so within 2 s, and their next click lands on sign-in; after signing in as someone
//! still allowed, the text they had typed is back in the composer. Besides: the last
//! admin refused in words, tokens and links shown once, the profile's sessions (signing
//! another browser out ends its page too), settings, the workspace switcher, "Publish
//! now" asking first, and pages (not JSON) for what does not exist.

use super::driver::{
    choose, click, confirm, eval, screenshot, screenshot_at, sign_in_person, type_into, wait_dom,
    wait_page, ChromeDriver, Viewport,
};
use super::{artifacts_dir, browser_or_skip, root, seed};
use crate::support::people::PASSWORD;
use crate::support::{TestApp, ADMIN};
use fantoccini::Client;
use futures::FutureExt;
use reqwest::Method;
use serde_json::json;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const ADMIN_EMAIL: &str = "amira@northwind.example";
const EDITOR_EMAIL: &str = "camille@northwind.example";
const APPROVER_EMAIL: &str = "jules@northwind.example";
const EDITOR_PASSWORD: &str = "camille-writes-posts";
const APPROVER_PASSWORD: &str = "jules-approves-posts";

/// Where a screenshot goes: the artifacts, and `docs/screenshots/` for the README.
fn shots(name: &str) -> Vec<PathBuf> {
    vec![artifacts_dir().join(name), root().join("docs/screenshots").join(name)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_invite_approve_by_name_and_lose_access_in_real_browsers() {
    let Some(browser) = browser_or_skip() else { return };
    let started = Instant::now();
    let app = crate::support::spawn_app().await;
    let seeded = seed::workspace(&app).await;
    seed::person(&app, &seeded.ws, ADMIN_EMAIL, "Amira Haddad", "admin").await;
    // A second workspace, without approval, where Amira is invited later (she joins signed
    // in), to try the switcher and "Publish now".
    let south = seed::another_workspace(&app, "Southwind", false).await;

    let chrome = ChromeDriver::start(&browser).await;
    let (admin, editor, approver) = tokio::join!(
        chrome.session(Viewport::Desktop),
        chrome.session(Viewport::Desktop),
        chrome.session(Viewport::Desktop)
    );
    let outcome = AssertUnwindSafe(scenario(&app, &seeded.ws, &south, &admin, &editor, &approver))
        .catch_unwind()
        .await;
    for c in [admin, editor, approver] {
        let _ = c.close().await;
    }
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    let took = started.elapsed().as_secs_f64();
    let _ = writeln!(std::io::stderr(), "people browser test took {took:.1} s");
}

async fn scenario(
    app: &TestApp,
    ws: &str,
    south: &str,
    admin: &Client,
    editor: &Client,
    approver: &Client,
) {
    let url = &app.url;

    // A page of the workspace, opened before signing in, leads to sign-in and back to it.
    admin.goto(&format!("{url}/w/{ws}/team")).await.unwrap();
    wait_page(
        admin,
        "the sign-in page",
        Duration::from_secs(10),
        "location.pathname === '/' && document.body.dataset.loaded === 'true'",
    )
    .await;
    screenshot(admin, &shots("sign-in.png")).await;
    sign_in_person(admin, ADMIN_EMAIL, PASSWORD, &format!("/w/{ws}/team")).await;
    let bar = eval(admin, "[document.getElementById('user-name').textContent, !document.querySelector(\"nav a[href$='/team']\").hidden, !document.querySelector(\"nav a[href$='/settings']\").hidden, document.getElementById('ws-name').textContent]").await;
    assert_eq!(
        bar,
        json!(["Amira Haddad", true, true, "Northwind"]),
        "name, admin links, workspace"
    );

    // Invitations: the link is shown once, and gone from the page after "Done".
    let editor_link = invite(admin, EDITOR_EMAIL, "editor").await;
    let approver_link = invite(admin, APPROVER_EMAIL, "approver").await;
    assert!(editor_link.starts_with(&format!("{url}/invitation#token=")), "{editor_link}");
    let open = wait_dom(admin, "both open invitations", Duration::from_secs(5),
        "document.querySelectorAll('#invitations li').length === 2 && document.getElementById('invitations').textContent").await;
    assert!(open.as_str().unwrap().contains("Invited by Amira Haddad (you)"), "{open}");

    // An API token: shown once, listed with who made it.
    type_into(admin, "#token-name", "Zapier").await;
    click(admin, "#token-form button[type=submit]").await;
    let token = wait_dom(
        admin,
        "the new token",
        Duration::from_secs(5),
        "(f => f && f.value)(document.getElementById('token-result-value'))",
    )
    .await;
    let token = token.as_str().unwrap().to_owned();
    assert!(token.starts_with("hrld_"));
    wait_dom(admin, "the token listed with its maker", Duration::from_secs(5),
        "[...document.querySelectorAll('#tokens li')].some(li => li.textContent.includes('Zapier') && li.textContent.includes('Made by Amira Haddad'))").await;
    click(admin, "#token-result [data-done]").await;
    let left =
        eval(admin, &format!("document.documentElement.outerHTML.includes({})", json!(token)))
            .await;
    assert_eq!(left, false, "the token stays in the page after Done");

    // Both accept in their own browsers and set passwords.
    accept(editor, &editor_link, "Camille Martin", EDITOR_PASSWORD, ws).await;
    accept(approver, &approver_link, "Jules Bernard", APPROVER_PASSWORD, ws).await;
    // A link works once: opened again, it says so in words.
    editor.goto(&editor_link).await.unwrap();
    wait_page(
        editor,
        "the used invitation",
        Duration::from_secs(10),
        "document.body.dataset.loaded === 'true'",
    )
    .await;
    click(editor, "#accept-button").await;
    let gone = wait_dom(
        editor,
        "the used invitation refused",
        Duration::from_secs(5),
        "(p => !p.hidden && p.textContent)(document.getElementById('invite-problem'))",
    )
    .await;
    assert_eq!(
        gone,
        "This invitation was already used, withdrawn or has expired; ask for a new one."
    );
    editor.goto(&format!("{url}/w/{ws}")).await.unwrap();
    wait_page(editor, "the editor's dashboard, live", Duration::from_secs(10),
        "document.body.dataset.loaded === 'true' && document.getElementById('live').dataset.state === 'open'").await;
    admin.refresh().await.unwrap();
    wait_page(admin, "the team with three members", Duration::from_secs(10),
        "document.body.dataset.loaded === 'true' && document.querySelectorAll('#members tbody tr').length === 3 && document.querySelectorAll('#invitations li').length === 0").await;
    screenshot(admin, &shots("team.png")).await;

    // The last admin cannot step down: the page says why and keeps the role.
    let me_row = "[...document.querySelectorAll('#members tbody tr')].find(tr => tr.textContent.includes('(you)'))";
    let my_id = eval(admin, &format!("{me_row}.dataset.userId")).await;
    choose(admin, &format!("select[data-user-id='{}']", my_id.as_str().unwrap()), "editor").await;
    let said = wait_dom(
        admin,
        "the last-admin refusal",
        Duration::from_secs(5),
        "(e => !e.hidden && e.textContent)(document.getElementById('members-error'))",
    )
    .await;
    assert!(said.as_str().unwrap().contains("at least one admin"), "{said}");
    let kept = eval(admin, &format!("{me_row}.querySelector('select').value")).await;
    assert_eq!(kept, "admin");

    // The editor writes a post.
    let text = "Our spring workshop series starts next week: three evenings on natural dyes.";
    type_into(editor, "#compose-text", text).await;
    click(editor, "#compose-form input[name=platforms][value=linkedin]").await;
    click(editor, "#compose-form button[value=submit]").await;
    let row = format!("[...document.querySelectorAll('#post-list li.post-item')].find(li => li.textContent.includes({}))", json!(text));
    let id = wait_dom(
        editor,
        "the new post in the list",
        Duration::from_secs(5),
        &format!(
            "(li => li && li.dataset.status === 'pending_approval' && li.dataset.postId)({row})"
        ),
    )
    .await;
    let id = id.as_str().unwrap().to_owned();
    let by = eval(editor, &format!("{row}.querySelector('.post-meta').textContent")).await;
    assert_eq!(by, "by Camille Martin (you)");

    // The approver sees it in the queue with the editor's name, and approves it.
    click(approver, "nav a[href$='/approvals']").await;
    let card = format!("article.review-card[data-post-id='{id}']");
    wait_page(approver, "the post in the approval queue", Duration::from_secs(10),
        &format!("document.body.dataset.loaded === 'true' && !!document.querySelector(\"{card} button[data-action=approve]\")")).await;
    let author = eval(
        approver,
        &format!("document.querySelector(\"{card} .card-title .author\").textContent"),
    )
    .await;
    assert_eq!(author, "Camille Martin");
    screenshot_at(approver, Some(&card), &shots("approvals.png")).await;
    click(approver, &format!("{card} button[data-action=approve]")).await;
    wait_dom(
        approver,
        "the card leaving the queue",
        Duration::from_secs(5),
        &format!("!document.querySelector(\"{card}\")"),
    )
    .await;

    // The audit trail reads with names.
    let post_path = format!("/w/{ws}/posts/{id}");
    approver.goto(&format!("{url}{post_path}")).await.unwrap();
    let audit = wait_page(approver, "the audit trail with the approval", Duration::from_secs(10),
        "document.body.dataset.loaded === 'true' && document.querySelector('#audit [data-action=approve]') && [...document.querySelectorAll('#audit .actor')].map(a => a.textContent)").await;
    let actors: Vec<&str> = audit.as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(actors.contains(&"Camille Martin"), "{actors:?}");
    assert!(actors.contains(&"Jules Bernard (you)"), "{actors:?}");
    assert!(actors.iter().all(|a| !a.starts_with("token")), "{actors:?}");
    let page_text = eval(approver, "document.getElementById('main').innerText").await;
    assert!(!page_text.as_str().unwrap().contains("version"), "no version jargon: {page_text}");
    screenshot_at(approver, Some("#audit"), &shots("post-audit.png")).await;

    // The post's URL in a new tab of the same browser stays signed in.
    let first = approver.window().await.unwrap();
    let tab = approver.new_window(true).await.unwrap();
    approver.switch_to_window(tab.handle).await.unwrap();
    approver.goto(&format!("{url}{post_path}")).await.unwrap();
    wait_page(approver, "the post in a new tab", Duration::from_secs(10),
        &format!("location.pathname === {} && document.body.dataset.loaded === 'true' && document.getElementById('post-view').dataset.postId === {}", json!(post_path), json!(id))).await;
    approver.close_window().await.unwrap();
    approver.switch_to_window(first).await.unwrap();

    // The approver starts a post; the admin removes them meanwhile.
    approver.goto(&format!("{url}/w/{ws}")).await.unwrap();
    wait_page(approver, "the approver's dashboard, live", Duration::from_secs(10),
        "document.body.dataset.loaded === 'true' && document.getElementById('live').dataset.state === 'open'").await;
    let draft = "Half-written: the dye garden opens to visitors on Saturday, and";
    type_into(approver, "#compose-text", draft).await;
    click(approver, "#compose-form input[name=platforms][value=facebook]").await;
    let jules_row = "[...document.querySelectorAll('#members tbody tr')].find(tr => tr.textContent.includes('Jules Bernard'))";
    let jules = eval(admin, &format!("{jules_row}.dataset.userId")).await;
    click(admin, &format!("button[data-remove='{}']", jules.as_str().unwrap())).await;
    let asked = confirm(admin, true).await;
    assert!(asked.contains("Remove Jules Bernard"), "{asked}");
    let removed = Instant::now();
    wait_dom(approver, "the approver's page to say access ended", Duration::from_secs(2),
        "document.body.dataset.lost === 'removed' && document.getElementById('live').dataset.state === 'ended' && !!document.getElementById('access-ended')").await;
    let _ = writeln!(
        std::io::stderr(),
        "removal seen by the approver's page after {} ms",
        removed.elapsed().as_millis()
    );
    screenshot(approver, &shots("access-ended.png")).await;

    // The next click lands on sign-in; the text comes back after signing in as someone
    // still allowed.
    click(approver, "#compose-form button[value=submit]").await;
    wait_page(approver, "sign-in after the click", Duration::from_secs(10),
        "location.pathname === '/' && document.body.dataset.loaded === 'true' && document.getElementById('signin-note').textContent.includes('kept')").await;
    let posts = app
        .call(Method::GET, &format!("/api/workspaces/{ws}/posts?limit=200"), Some(ADMIN), None)
        .await;
    let sent = posts.expect(200)["posts"].as_array().unwrap().iter().any(|p| p["text"] == draft);
    assert!(!sent, "the click after the removal sent nothing");
    sign_in_person(approver, EDITOR_EMAIL, EDITOR_PASSWORD, &format!("/w/{ws}")).await;
    let restored = wait_dom(approver, "the draft back in the composer", Duration::from_secs(5),
        "(t => t.value && [t.value, document.querySelector('#compose-form input[value=facebook]').checked, !document.getElementById('compose-restored').hidden])(document.getElementById('compose-text'))").await;
    assert_eq!(restored, json!([draft, true, true]));
    wait_dom(
        approver,
        "the restored page live",
        Duration::from_secs(5),
        "document.getElementById('live').dataset.state === 'open'",
    )
    .await;

    // Camille's profile lists both browsers; signing the other one out ends its page.
    click(editor, "#user-menu summary").await;
    click(editor, "#menu-profile").await;
    wait_page(editor, "the profile with two sessions", Duration::from_secs(10),
        "location.pathname === '/me' && document.body.dataset.loaded === 'true' && document.querySelectorAll('#sessions li').length === 2").await;
    screenshot(editor, &shots("profile.png")).await;
    click(editor, "#sessions li[data-current=false] button[data-end]").await;
    wait_dom(
        approver,
        "the signed-out browser's page to say so",
        Duration::from_secs(2),
        "document.body.dataset.lost === 'signed_out'",
    )
    .await;
    wait_dom(
        editor,
        "one session left",
        Duration::from_secs(5),
        "document.querySelectorAll('#sessions li').length === 1",
    )
    .await;

    // Settings: whose X credentials are used, and linking accounts explained in words.
    admin.goto(&format!("{url}/w/{ws}/settings")).await.unwrap();
    wait_page(
        admin,
        "the settings",
        Duration::from_secs(10),
        "document.body.dataset.loaded === 'true'",
    )
    .await;
    assert_eq!(eval(admin, "document.getElementById('x-status').dataset.source").await, "global");
    assert_eq!(eval(admin, "document.querySelectorAll('#accounts li').length > 0").await, true);
    click(admin, "#general-form button[type=submit]").await;
    wait_dom(
        admin,
        "the settings saved",
        Duration::from_secs(5),
        "document.querySelector('#general-form .form-result').textContent === 'Saved.'",
    )
    .await;
    click(admin, "#connect").await;
    let why = wait_dom(
        admin,
        "why linking is not available",
        Duration::from_secs(5),
        "(b => !b.hidden && b.textContent)(document.getElementById('connect-result'))",
    )
    .await;
    assert!(why.as_str().unwrap().contains("not set up"), "{why}");
    screenshot(admin, &shots("settings.png")).await;

    // Invited to another workspace while signed in, Amira joins without a password.
    let invitation = app.invite(south, ADMIN_EMAIL, "editor").await;
    admin.goto(invitation["accept_url"].as_str().unwrap()).await.unwrap();
    let intro = wait_page(admin, "the invitation, signed in", Duration::from_secs(10),
        "document.body.dataset.loaded === 'true' && document.getElementById('invite-intro').textContent").await;
    assert!(intro.as_str().unwrap().contains("signed in as Amira Haddad"), "{intro}");
    click(admin, "#accept-button").await;
    wait_page(
        admin,
        "the joined workspace",
        Duration::from_secs(10),
        &format!("location.pathname === '/w/{south}' && document.body.dataset.loaded === 'true'"),
    )
    .await;

    // The switcher opens the other workspace; "Publish now" asks first.
    admin.goto(&format!("{url}/w/{ws}")).await.unwrap();
    wait_page(
        admin,
        "the dashboard",
        Duration::from_secs(10),
        "document.body.dataset.loaded === 'true'",
    )
    .await;
    choose(admin, "#ws-select", south).await;
    wait_page(
        admin,
        "the other workspace",
        Duration::from_secs(10),
        &format!("location.pathname === '/w/{south}' && document.body.dataset.loaded === 'true'"),
    )
    .await;
    type_into(admin, "#compose-text", "Open studio on Sunday from 10 to 4.").await;
    click(admin, "#compose-form input[name=platforms][value=linkedin]").await;
    assert_eq!(
        eval(admin, "document.querySelector('#compose-form button[value=submit]').textContent")
            .await,
        "Publish now"
    );
    click(admin, "#compose-form button[value=submit]").await;
    let asked = confirm(admin, false).await;
    assert!(asked.starts_with("Publish this post now on LinkedIn?"), "{asked}");
    let posts =
        app.call(Method::GET, &format!("/api/workspaces/{south}/posts"), Some(ADMIN), None).await;
    assert_eq!(posts.expect(200)["posts"].as_array().unwrap().len(), 0, "nothing published");

    // What does not exist is a page with a way back, not an error body.
    for (path, what) in [
        ("/nothing-here".to_owned(), "h1"),
        ("/w/no-such-workspace".to_owned(), "#not-found[data-kind=workspace]"),
        (format!("/w/{ws}/posts/no-such-post"), "#not-found[data-kind=post]"),
    ] {
        admin.goto(&format!("{url}{path}")).await.unwrap();
        let shown = wait_page(admin, &path, Duration::from_secs(10),
            &format!("(e => e && document.querySelector('main a.btn') && e.textContent)(document.querySelector({}))", json!(what))).await;
        assert!(shown.as_str().unwrap().contains("not found"), "{path}: {shown}");
    }
}

/// The admin invites `email` as `role` on the Team page; the link shown once, read and
/// then dismissed with "Done" (gone from the page).
async fn invite(admin: &Client, email: &str, role: &str) -> String {
    type_into(admin, "#invite-email", email).await;
    choose(admin, "#invite-role", role).await;
    click(admin, "#invite-form button[type=submit]").await;
    let link = wait_dom(
        admin,
        "the invitation link",
        Duration::from_secs(5),
        "(f => f && f.value)(document.getElementById('invite-result-value'))",
    )
    .await;
    let link = link.as_str().unwrap().to_owned();
    click(admin, "#invite-result [data-done]").await;
    let left = eval(
        admin,
        &format!(
            "document.documentElement.outerHTML.includes({})",
            json!(link.split_once("#token=").unwrap().1)
        ),
    )
    .await;
    assert_eq!(left, false, "the invitation link stays in the page after Done");
    link
}

/// A new person opens their invitation, sets name and password, and lands in `ws`.
async fn accept(c: &Client, link: &str, name: &str, password: &str, ws: &str) {
    c.goto(link).await.unwrap();
    wait_page(
        c,
        "the invitation page",
        Duration::from_secs(10),
        "document.body.dataset.loaded === 'true' && location.pathname === '/invitation'",
    )
    .await;
    assert_eq!(eval(c, "location.hash").await, "", "the secret left the address bar");
    type_into(c, "#name", name).await;
    type_into(c, "#password", password).await;
    click(c, "#accept-button").await;
    wait_page(c, &format!("{name}'s dashboard"), Duration::from_secs(10),
        &format!("location.pathname === '/w/{ws}' && document.body.dataset.loaded === 'true' && document.getElementById('live').dataset.state === 'open'")).await;
    assert_eq!(eval(c, "document.getElementById('user-name').textContent").await, name);
}
