//! Composing per network in a real browser, on the default setup (no
//! `HERALD_PUBLIC_URL`: an upload is re-hosted on Ayrshare's media host). An editor
//! writes a LinkedIn text and a shorter X text with its own first comment, uploads an
//! image and gives it alt text; an approver sees both texts and the image itself
//! (Herald's own copy, not a grey "Image on …" box) and approves; the simulator received
//! each network's text exactly once, X's with its first comment.

use super::driver::{
    choose, click, eval, screenshot_at, sign_in, type_into, wait_dom, wait_page, ChromeDriver,
    Viewport,
};
use super::{artifacts_dir, browser_or_skip, seed};
use fantoccini::{Client, Locator};
use futures::FutureExt;
use serde_json::json;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

/// A 64×48 PNG, as an author would upload it.
const PNG_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAIAAAAuKetIAAAAUElEQVR42u3QsQ0AIAwDwUxHC2OzCEtQZYdI7k763jrXXi/avydaAQAAAAAAAAAAAAAAAAAAAACMAOmB9EEAAAAAAAAAAAAAAAAAAAAAAKMa7VtJPKWVqHkAAAAASUVORK5CYII=";

const LINKEDIN: &str = concat!(
    "Three years ago we wove our first scarf on a borrowed loom in a garage. \
    Today the Lyon studio has eleven looms, six weavers and a waiting list. What changed was \
    not the machines but the way we plan: every colourway is sampled twice, every seam is \
    tested, and every order is packed by the person who made it. Thank you for growing with us.",
    " #weaving #lyon"
);
const LINKEDIN_WORDS: &str =
    "Three years ago we wove our first scarf on a borrowed loom in a garage. \
    Today the Lyon studio has eleven looms, six weavers and a waiting list. What changed was \
    not the machines but the way we plan: every colourway is sampled twice, every seam is \
    tested, and every order is packed by the person who made it. Thank you for growing with us.";
const X_TEXT: &str = "Eleven looms, six weavers, one waiting list. Thank you!";
const X_COMMENT: &str = "The whole story is on our blog.";
const ALT: &str = "A weaver at a wooden loom with red yarn";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_writes_per_network_and_the_approver_sees_both_texts_and_the_image() {
    let Some(browser) = browser_or_skip() else { return };
    let app = crate::support::spawn_app().await;
    let seeded = seed::workspace(&app).await;
    let chrome = ChromeDriver::start(&browser).await;
    let (editor, approver) =
        tokio::join!(chrome.session(Viewport::Desktop), chrome.session(Viewport::Desktop));
    let outcome =
        AssertUnwindSafe(scenario(&app, &seeded, &editor, &approver)).catch_unwind().await;
    for c in [editor, approver] {
        let _ = c.close().await;
    }
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn scenario(
    app: &crate::support::TestApp,
    s: &seed::Seeded,
    editor: &Client,
    approver: &Client,
) {
    use base64::Engine as _;
    let ws = &s.ws;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("loom.png");
    std::fs::write(&file, base64::engine::general_purpose::STANDARD.decode(PNG_BASE64).unwrap())
        .unwrap();
    assert!(LINKEDIN.chars().count() > 280, "longer than X allows");

    let tags = json!({"name": "Studio", "tags": ["#weaving", "#lyon"]});
    let path = format!("/api/workspaces/{ws}/hashtag-groups");
    let group =
        app.call(reqwest::Method::POST, &path, Some(&s.editor), Some(tags)).await.expect(201);
    sign_in(editor, &app.url, &s.editor, ws).await;
    type_into(editor, "#compose-text", LINKEDIN_WORDS).await;
    // A hashtag group from the library adds its tags to the text.
    let option = format!("#compose-hashtags option[value='{}']", group["id"].as_str().unwrap());
    wait_dom(
        editor,
        "the hashtag group offered",
        Duration::from_secs(5),
        &format!("!!document.querySelector(\"{option}\")"),
    )
    .await;
    choose(editor, "#compose-hashtags", group["id"].as_str().unwrap()).await;
    let typed = eval(editor, "document.getElementById('compose-text').value").await;
    assert_eq!(typed, LINKEDIN);
    for p in ["linkedin", "twitter"] {
        click(editor, &format!("#compose-form input[name=platforms][value={p}]")).await;
    }
    // The shared text is over X's limit until X has its own.
    let state =
        eval(editor, "document.querySelector('#compose-form .char-count').dataset.state").await;
    assert_eq!(state, "over");
    click(editor, "#compose-form .variant[data-platform=twitter] summary").await;
    type_into(editor, "#compose-form textarea[data-variant-text=twitter]", X_TEXT).await;
    type_into(editor, "#compose-form textarea[data-variant-comment=twitter]", X_COMMENT).await;
    let counted = eval(editor, "[document.querySelector('#compose-form .variant[data-platform=twitter] .variant-count').textContent, document.querySelector('#compose-form .char-count').dataset.state]").await;
    assert_eq!(counted, json!([format!("{} / 280", X_TEXT.chars().count()), "ok"]));
    let previews = eval(editor, "[...document.querySelectorAll('#compose-form .preview')].map(p => [p.dataset.platform, p.querySelector('.preview-text').textContent, (p.querySelector('.preview-comment') || {}).textContent || null])").await;
    assert_eq!(
        previews,
        json!([
            ["linkedin", LINKEDIN, null],
            ["twitter", X_TEXT, format!("First comment: {X_COMMENT}")]
        ])
    );

    // An image: warned about until it has alt text.
    let input = editor.find(Locator::Id("compose-file")).await.unwrap();
    input.send_keys(&file.display().to_string()).await.unwrap();
    wait_dom(
        editor,
        "the upload to finish",
        Duration::from_secs(10),
        "!!document.querySelector('#compose-form .uploads li[data-state=done] input.alt-text')",
    )
    .await;
    let warned =
        eval(editor, "!document.querySelector('#compose-form .uploads .alt-warning').hidden").await;
    assert_eq!(warned, true, "an image without alt text is warned about");
    type_into(editor, "#compose-form .uploads input.alt-text", ALT).await;
    let warned =
        eval(editor, "!document.querySelector('#compose-form .uploads .alt-warning').hidden").await;
    assert_eq!(warned, false);
    let url = eval(editor, "document.getElementById('compose-media').value").await;
    assert!(!url.as_str().unwrap().starts_with(&app.url), "hosted elsewhere by default: {url}");

    let shot = artifacts_dir().join("compose-variants.png");
    screenshot_at(editor, Some("#compose-form .variants"), &[shot]).await;
    click(editor, "#compose-form button[value=submit]").await;
    let link = wait_dom(editor, "the post sent for approval", Duration::from_secs(10),
        "(a => a && a.getAttribute('href'))(document.querySelector('#compose-form .form-result a'))").await;
    let link = link.as_str().unwrap().to_owned();

    // The approver sees the LinkedIn text, X's own text and comment, and the image.
    sign_in(approver, &app.url, &s.approver, ws).await;
    approver.goto(&format!("{}{link}", app.url)).await.unwrap();
    wait_page(approver, "the post to approve", Duration::from_secs(10),
        "document.body.dataset.loaded === 'true' && !!document.querySelector('#review button[data-action=approve]')").await;
    let seen = eval(approver, "[document.querySelector('.summary .post-text').textContent, document.querySelector('.variant-texts li[data-platform=twitter] .variant-text').textContent, document.querySelector('.variant-texts li[data-platform=twitter] .variant-comment').textContent]").await;
    assert_eq!(seen, json!([LINKEDIN, X_TEXT, format!(" · first comment: {X_COMMENT}")]));
    let image = wait_page(approver, "the image itself", Duration::from_secs(10),
        "(i => i && i.complete && i.naturalWidth > 0 && [new URL(i.src).origin === location.origin, i.alt])(document.querySelector('.summary .media-strip img.thumb'))").await;
    assert_eq!(image, json!([true, ALT]), "Herald's own copy, with its alt text");
    let grey =
        eval(approver, "document.querySelectorAll('.summary .media-strip .media-ph').length").await;
    assert_eq!(grey, 0, "no placeholder instead of the image");
    let shot = artifacts_dir().join("compose-approver.png");
    screenshot_at(approver, Some(".summary .variant-texts"), &[shot]).await;
    click(approver, "#review button[data-action=approve]").await;

    let id = link.rsplit('/').next().unwrap().to_owned();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let post = app.get_post(ws, &id, crate::support::ADMIN).await;
        if post["status"] == "published" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not published: {post}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sent = crate::api::compose::sent_by_network(app, "Northwind").await;
    let ours = |p: &str| -> Vec<(String, Option<String>)> {
        sent.get(p)
            .into_iter()
            .flatten()
            .filter(|(t, _)| t == LINKEDIN || t == X_TEXT)
            .cloned()
            .collect()
    };
    assert_eq!(ours("linkedin"), vec![(LINKEDIN.to_owned(), None)]);
    assert_eq!(ours("twitter"), vec![(X_TEXT.to_owned(), Some(X_COMMENT.to_owned()))]);
}
