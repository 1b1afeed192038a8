//! Collaboration in real browsers. An approver's bell counts a post sent for approval
//! live, a click on it opens the post, and the author's bell then tells them of the
//! decision; the SMTP sink receives one mail per notification, to its person. An editor uploads an image through the file picker (progress, thumbnail,
//! the previews per network with their limits and crops), and the approver's card shows
//! the image itself.

use super::driver::{
    click, eval, screenshot, screenshot_at, sign_in, sign_in_person, type_into, wait_dom,
    wait_page, ChromeDriver, Viewport,
};
use super::{artifacts_dir, browser_or_skip, root, seed};
use crate::support::people::PASSWORD;
use crate::support::smtp::SmtpSink;
use ayrshare::Platform;
use fantoccini::{Client, Locator};
use futures::FutureExt;
use serde_json::json;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

/// Signs a person in from the sign-in page and waits for the workspace dashboard, live.
async fn person_signs_in(c: &Client, url: &str, email: &str, ws: &str) {
    c.goto(&format!("{url}/?next=/w/{ws}")).await.unwrap();
    sign_in_person(c, email, PASSWORD, &format!("/w/{ws}")).await;
    wait_page(c, "the dashboard, live", Duration::from_secs(10),
        "document.getElementById('live').dataset.state === 'open' && !document.getElementById('bell').hidden").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approver_is_notified_live_and_the_author_gets_the_decision() {
    let Some(browser) = browser_or_skip() else { return };
    let sink = SmtpSink::start().await;
    let options = crate::support::Options { smtp_url: Some(sink.url()), ..Default::default() };
    let app = crate::support::spawn_app_with(options).await;
    let seeded = seed::workspace(&app).await;
    let ws = seeded.ws.clone();
    seed::person(&app, &ws, "camille@northwind.example", "Camille Martin", "editor").await;
    seed::person(&app, &ws, "jules@northwind.example", "Jules Bernard", "approver").await;
    let chrome = ChromeDriver::start(&browser).await;
    let (editor, approver) =
        tokio::join!(chrome.session(Viewport::Desktop), chrome.session(Viewport::Desktop));
    let outcome =
        AssertUnwindSafe(notify_scenario(&app, &ws, &editor, &approver)).catch_unwind().await;
    for c in [editor, approver] {
        let _ = c.close().await;
    }
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    let mails = sink.notification_mails(2, Duration::from_secs(10)).await;
    let mut got: Vec<(String, String)> =
        mails.iter().map(|m| (m.to.join(","), m.header("Subject").unwrap_or_default())).collect();
    got.sort();
    let want = [
        ("camille@northwind.example", "Herald: your post was approved"),
        ("jules@northwind.example", "Herald: a post waits for your approval"),
    ];
    assert_eq!(got, want.map(|(to, subject)| (to.to_owned(), subject.to_owned())));
    let again = sink.notification_mails(3, Duration::from_secs(2)).await;
    assert_eq!(again.len(), 2, "one mail per notification, none twice");
}

async fn notify_scenario(
    app: &crate::support::TestApp,
    ws: &str,
    editor: &Client,
    approver: &Client,
) {
    let url = &app.url;
    person_signs_in(editor, url, "camille@northwind.example", ws).await;
    person_signs_in(approver, url, "jules@northwind.example", ws).await;
    approver.execute("window.__sameDocument = true;", vec![]).await.unwrap();
    let unread = "Number(document.getElementById('bell-count').dataset.count || 0)";
    let before = eval(approver, unread).await.as_i64().unwrap();

    // Camille sends a post for approval; Jules's bell counts it without a reload.
    let text = "Natural dye workshop: book your seat for the March evenings.";
    type_into(editor, "#compose-text", text).await;
    click(editor, "#compose-form input[name=platforms][value=linkedin]").await;
    click(editor, "#compose-form button[value=submit]").await;
    wait_dom(
        approver,
        "the approver's bell to count the request",
        Duration::from_secs(5),
        &format!("{unread} === {}", before + 1),
    )
    .await;
    assert_eq!(eval(approver, "window.__sameDocument === true").await, true, "the page reloaded");

    // The list says what it is about; a click marks it read and opens the post.
    click(approver, "#bell summary").await;
    let item =
        "document.querySelector('#bell-list li[data-kind=approval_requested][data-unread=true]')";
    let said = wait_dom(
        approver,
        "the request in the list",
        Duration::from_secs(5),
        &format!("(li => li && li.textContent)({item})"),
    )
    .await;
    assert!(said.as_str().unwrap().contains("Camille Martin"), "{said}");
    screenshot(approver, &[artifacts_dir().join("notifications.png")]).await;
    let post_id = eval(approver, &format!("{item}.dataset.postId")).await;
    let post_id = post_id.as_str().unwrap().to_owned();
    click(approver, "#bell-list li[data-kind=approval_requested][data-unread=true] button").await;
    wait_page(approver, "the post from the notification", Duration::from_secs(10),
        &format!("location.pathname === '/w/{ws}/posts/{post_id}' && document.body.dataset.loaded === 'true' && !!document.querySelector('#review button[data-action=approve]')")).await;
    assert_eq!(eval(approver, unread).await.as_i64().unwrap(), before, "read once clicked");

    // Jules approves; Camille's bell tells her, live.
    let mine = eval(editor, unread).await.as_i64().unwrap();
    click(approver, "#review button[data-action=approve]").await;
    wait_dom(
        editor,
        "the author's bell to count the decision",
        Duration::from_secs(5),
        &format!("{unread} === {}", mine + 1),
    )
    .await;
    click(editor, "#bell summary").await;
    let decided = wait_dom(editor, "the decision in the author's list", Duration::from_secs(5),
        &format!("(li => li && li.textContent)(document.querySelector(\"#bell-list li[data-kind=approved][data-post-id='{post_id}']\"))")).await;
    assert!(decided.as_str().unwrap().contains("Jules Bernard"), "{decided}");
    click(editor, "#bell-read-all").await;
    wait_dom(editor, "everything read", Duration::from_secs(5),
        "document.getElementById('bell-count').hidden && !document.querySelector('#bell-list li[data-unread=true]')").await;
}

/// A 64×48 PNG (two colours in quarters), as an author would upload it.
const PNG_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAIAAAAuKetIAAAAUElEQVR42u3QsQ0AIAwDwUxHC2OzCEtQZYdI7k763jrXXi/avydaAQAAAAAAAAAAAAAAAAAAAACMAOmB9EEAAAAAAAAAAAAAAAAAAAAAAKMa7VtJPKWVqHkAAAAASUVORK5CYII=";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_image_shows_as_a_thumbnail_on_the_approvers_card() {
    let Some(browser) = browser_or_skip() else { return };
    let opts = crate::support::Options { public_url_is_self: true, ..Default::default() };
    let app = crate::support::spawn_app_with(opts).await;
    let seeded = seed::workspace(&app).await;
    let chrome = ChromeDriver::start(&browser).await;
    let (editor, approver) =
        tokio::join!(chrome.session(Viewport::Desktop), chrome.session(Viewport::Desktop));
    let outcome =
        AssertUnwindSafe(media_scenario(&app, &seeded, &editor, &approver)).catch_unwind().await;
    for c in [editor, approver] {
        let _ = c.close().await;
    }
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn media_scenario(
    app: &crate::support::TestApp,
    s: &seed::Seeded,
    editor: &Client,
    approver: &Client,
) {
    use base64::Engine as _;
    let ws = &s.ws;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("looms.png");
    std::fs::write(&file, base64::engine::general_purpose::STANDARD.decode(PNG_BASE64).unwrap())
        .unwrap();

    sign_in(editor, &app.url, &s.editor, ws).await;
    let text = "New looms in the studio #weaving — see them at https://northwind.example/looms and say hello @northwind";
    for p in ["linkedin", "instagram", "twitter"] {
        click(editor, &format!("#compose-form input[name=platforms][value={p}]")).await;
    }
    // The form's own checks, all at once, in sentences naming the networks.
    click(editor, "#compose-form button[value=submit]").await;
    let errors = wait_dom(editor, "every problem at once", Duration::from_secs(2),
        "(e => !e.hidden && [...e.querySelectorAll('li')].map(li => li.textContent))(document.querySelector('#compose-form [data-error-for=_form]'))").await;
    assert_eq!(
        errors,
        json!(["Write the text of the post.", "Instagram needs an image or a video."])
    );
    type_into(editor, "#compose-text", text).await;

    // Upload through the file picker: a progress bar, then the thumbnail.
    let input = editor.find(Locator::Id("compose-file")).await.unwrap();
    input.send_keys(&file.display().to_string()).await.unwrap();
    let done = wait_dom(editor, "the upload to finish", Duration::from_secs(10),
        "(li => li && li.dataset.state !== 'uploading' && [li.dataset.state, li.textContent])(document.querySelector('#compose-form .uploads li'))").await;
    assert_eq!(done[0], "done", "{done}");
    // An image's loading is no DOM change: poll for it.
    wait_page(editor, "the uploaded image's thumbnail", Duration::from_secs(10),
        "(i => i && i.complete && i.naturalWidth > 0)(document.querySelector('#compose-form .uploads li[data-state=done] img.thumb'))").await;
    let url = eval(editor, "document.getElementById('compose-media').value").await;
    assert!(url.as_str().unwrap().contains("/media/"), "{url}");
    // The preview per network: its limit, the styled link and tag, the crop.
    let shown = eval(editor, "[...document.querySelectorAll('#compose-form .preview')].map(p => [p.dataset.platform, p.querySelector('.plimit').textContent, !!p.querySelector('.pv-link'), !!p.querySelector('.pv-tag'), (p.querySelector('.preview-media') || {dataset: {}}).dataset.ratio])").await;
    let n = text.chars().count();
    assert_eq!(
        shown,
        json!([
            ["instagram", format!("{n} / {}", Platform::Instagram.text_limit()), true, true, "4:5"],
            [
                "linkedin",
                format!("{n} / {}", Platform::LinkedIn.text_limit()),
                true,
                true,
                "1.91:1"
            ],
            ["twitter", format!("{n} / {}", Platform::Twitter.text_limit()), true, true, "16:9"]
        ])
    );
    screenshot_at(
        editor,
        Some("#compose-form .uploads"),
        &[
            artifacts_dir().join("composer-preview.png"),
            root().join("docs/screenshots/composer-preview.png"),
        ],
    )
    .await;
    click(editor, "#compose-form button[value=submit]").await;
    let row = format!("[...document.querySelectorAll('#post-list li.post-item')].find(li => li.textContent.includes({}))", json!(text));
    let id = wait_dom(
        editor,
        "the post, pending",
        Duration::from_secs(5),
        &format!(
            "(li => li && li.dataset.status === 'pending_approval' && li.dataset.postId)({row})"
        ),
    )
    .await;
    let id = id.as_str().unwrap().to_owned();

    // The approver sees the image itself on the card, not a link.
    sign_in(approver, &app.url, &s.approver, ws).await;
    click(approver, "nav a[href$='/approvals']").await;
    let card = format!("article.review-card[data-post-id='{id}']");
    wait_page(approver, "the card with the thumbnail", Duration::from_secs(10),
        &format!("(i => i && i.complete && i.naturalWidth > 0)(document.querySelector(\"{card} .media-strip img.thumb\"))")).await;
}
