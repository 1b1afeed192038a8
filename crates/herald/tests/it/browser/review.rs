//! Client review through a link, in real browsers. An approver shares a post for review
//! from its page ("Share for review", the link shown once); a client opens the link in
//! a fresh browser with no session, comments and requests changes; the editor, on the
//! post page in another session, sees the comment arrive live, fixes the text and
//! resubmits; the client approves; the post publishes (the Ayrshare simulator receives
//! it), and its audit trail names the client as "(client review)".

use super::driver::{click, eval, screenshot, sign_in_person, type_into, wait_dom, wait_page};
use super::driver::{ChromeDriver, Viewport};
use super::{artifacts_dir, browser_or_skip, root, seed};
use crate::support::people::{Caller, PASSWORD};
use crate::support::TestApp;
use fantoccini::Client;
use futures::FutureExt;
use reqwest::Method;
use serde_json::json;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);
const FIXED: &str = "Spring open day: Saturday 10:00 to 16:00, with the new photo of the studio.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_reviews_through_a_link_and_the_editor_sees_it_live() {
    let Some(browser) = browser_or_skip() else { return };
    let app = crate::support::spawn_app().await;
    let ws = seed::another_workspace(&app, "Atelier", true).await;
    seed::person(&app, &ws, "camille@atelier.example", "Camille Martin", "editor").await;
    seed::person(&app, &ws, "jules@atelier.example", "Jules Bernard", "approver").await;
    let (_, session, _) = app.login("camille@atelier.example", PASSWORD).await;
    let editor_api = Caller::person(&session.expect("the editor signs in"));
    let body =
        json!({"text": "Spring open day: Saturday 10:00 to 16:00.", "platforms": ["linkedin"]});
    let path = format!("/api/workspaces/{ws}/posts");
    let post = app.call_as(Method::POST, &path, &editor_api, Some(body)).await.expect(201);
    let id = post["id"].as_str().unwrap().to_owned();

    let chrome = ChromeDriver::start(&browser).await;
    let (editor, approver, client) = tokio::join!(
        chrome.session(Viewport::Desktop),
        chrome.session(Viewport::Desktop),
        chrome.session(Viewport::Desktop)
    );
    let outcome = AssertUnwindSafe(scenario(&app, &ws, &id, &editor, &approver, &client))
        .catch_unwind()
        .await;
    for c in [editor, approver, client] {
        let _ = c.close().await;
    }
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    let sent = app.sim_history("Atelier").await;
    assert!(
        sent.iter().any(|p| p.to_string().contains("with the new photo of the studio")),
        "the simulator never received the approved post: {sent:?}"
    );
}

/// Opens `path` signed in as `email`, loaded and live.
async fn open_signed_in(c: &Client, url: &str, email: &str, path: &str) {
    c.goto(&format!("{url}/?next={path}")).await.unwrap();
    sign_in_person(c, email, PASSWORD, path).await;
    wait_page(c, "the post page, live", WAIT,
        "document.getElementById('live').dataset.state === 'open' && !document.getElementById('comments-panel').hidden").await;
}

async fn scenario(
    app: &TestApp,
    ws: &str,
    id: &str,
    editor: &Client,
    approver: &Client,
    client: &Client,
) {
    let url = &app.url;
    let post_path = format!("/w/{ws}/posts/{id}");
    open_signed_in(editor, url, "camille@atelier.example", &post_path).await;
    open_signed_in(approver, url, "jules@atelier.example", &post_path).await;
    editor.execute("window.__sameDocument = true;", vec![]).await.unwrap();

    // Jules shares the post: the link is shown once.
    wait_dom(approver, "the share control", WAIT, "!document.getElementById('share-panel').hidden")
        .await;
    click(approver, "#share-panel summary").await;
    type_into(approver, "#share-name", "Nora Client").await;
    click(approver, "#share-form button[type=submit]").await;
    let link = wait_dom(
        approver,
        "the review link",
        WAIT,
        "document.getElementById('share-url') && document.getElementById('share-url').value",
    )
    .await;
    let link = link.as_str().unwrap().to_owned();
    assert!(link.starts_with(&format!("{url}/review/")), "{link}");
    screenshot(approver, &[artifacts_dir().join("review-share.png")]).await;

    // The client, with no session, comments and requests changes.
    client.goto(&link).await.unwrap();
    let article = format!("article[data-post-id='{id}']");
    wait_page(client, "the review page", WAIT, &format!("document.body.dataset.loaded === 'true' && !!document.querySelector(\"{article}[data-status=pending_approval]\")")).await;
    type_into(
        client,
        &format!("{article} textarea[name=comment-text]"),
        "Could we use the new studio photo?",
    )
    .await;
    click(client, &format!("{article} .comment-form button[type=submit]")).await;
    wait_dom(
        client,
        "the client's comment",
        WAIT,
        "document.body.innerText.includes('Could we use the new studio photo?')",
    )
    .await;

    // Camille's open page shows it live (no reload).
    let live = "Array.from(document.querySelectorAll('#comments .comment-item')).some(li => li.innerText.includes('Could we use the new studio photo?') && li.innerText.includes('Nora Client (client review)'))";
    wait_dom(editor, "the client's comment on the editor's page, live", WAIT, live).await;

    type_into(
        client,
        &format!("{article} textarea[name=comment]"),
        "Please mention the new photo.",
    )
    .await;
    click(client, &format!("{article} button[data-action=request_changes]")).await;
    wait_dom(
        client,
        "the post sent back",
        WAIT,
        &format!("!!document.querySelector(\"{article}[data-status=changes_requested]\")"),
    )
    .await;
    screenshot(
        client,
        &[
            artifacts_dir().join("review-client.png"),
            root().join("docs/screenshots/review-client.png"),
        ],
    )
    .await;

    // Camille fixes the text and resubmits from the post page.
    wait_dom(
        editor,
        "the resubmit button",
        WAIT,
        "!document.querySelector('#edit-form button[value=resubmit]').hidden",
    )
    .await;
    type_into(editor, "#edit-text", FIXED).await;
    click(editor, "#edit-form button[value=resubmit]").await;
    let resubmitted = format!("/api/workspaces/{ws}/posts/{id}");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let post = app
            .call(Method::GET, &resubmitted, Some(crate::support::ADMIN), None)
            .await
            .expect(200);
        if post["status"] == "pending_approval" && post["text"] == FIXED {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the editor's resubmit never arrived: {post}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(eval(editor, "window.__sameDocument === true").await, json!(true), "no reload");

    // The client sees the new version and approves it; it publishes.
    click(client, "#review-reload").await;
    wait_dom(client, "the new version, pending", WAIT, &format!("!!document.querySelector(\"{article}[data-status=pending_approval]\") && document.body.innerText.includes('with the new photo of the studio')")).await;
    click(client, &format!("{article} button[data-action=approve]")).await;
    wait_dom(
        client,
        "the post published",
        WAIT,
        &format!("!!document.querySelector(\"{article}[data-status=published]\")"),
    )
    .await;
    let audit = "Array.from(document.querySelectorAll('#audit li')).some(li => li.innerText.includes('Nora Client (client review)'))";
    wait_dom(editor, "the audit trail naming the client", WAIT, audit).await;
}
