//! The Webhooks panel of the settings page in a real browser: an admin adds an endpoint
//! (its secret shown once), sends a test event that the Standard Webhooks package
//! verifies, reads it as delivered in the log and sends it again with "Retry".

use super::driver::{click, eval, sign_in, type_into, wait_dom, wait_page, ChromeDriver, Viewport};
use super::{browser_or_skip, seed};
use crate::support::{spawn_app, TestApp};
use crate::webhooks::Receiver;
use fantoccini::Client;
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_webhook_sends_a_test_event_and_retries_it_from_the_log() {
    let test = "an_admin_adds_a_webhook_sends_a_test_event_and_retries_it_from_the_log";
    let Some(browser) = browser_or_skip() else { return };
    let Some(mut rx) = Receiver::start(test).await else { return };
    let app = spawn_app().await;
    let ws = seed::another_workspace(&app, "Hooks", true).await;
    let admin = app.token(&ws, "admin").await;
    let chrome = ChromeDriver::start(&browser).await;
    let c = chrome.session(Viewport::Desktop).await;
    let outcome = AssertUnwindSafe(scenario(&app, &c, &ws, &admin, &mut rx)).catch_unwind().await;
    let _ = c.close().await;
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn scenario(app: &TestApp, c: &Client, ws: &str, admin: &str, rx: &mut Receiver) {
    sign_in(c, &app.url, admin, ws).await;
    c.goto(&format!("{}/w/{ws}/settings", app.url)).await.unwrap();
    let ready = "document.body.dataset.loaded === 'true' && !document.getElementById('webhooks-empty').hidden";
    wait_page(c, "the settings with no webhooks", Duration::from_secs(10), ready).await;
    type_into(c, "#webhook-url", &rx.url).await;
    click(c, "#webhook-form button[type=submit]").await;
    let shown = "(s => s && s.textContent)(document.querySelector('#webhook-secret code'))";
    let secret = wait_dom(c, "the secret, once", Duration::from_secs(5), shown).await;
    let secret = secret.as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{secret}");
    rx.set_secret(secret);
    wait_dom(
        c,
        "the endpoint listed",
        Duration::from_secs(5),
        "document.querySelectorAll('#webhooks li').length === 1",
    )
    .await;
    let listed = eval(c, "document.getElementById('webhooks').textContent").await;
    assert!(!listed.as_str().unwrap().contains(&secret[6..]), "the list never shows the secret");

    let press = |label: &str| {
        format!("[...document.querySelectorAll('#webhooks li button')].find(b => b.textContent === '{label}').click() || true")
    };
    eval(c, &press("Send test event")).await;
    let heard = rx.until(Duration::from_secs(10), |h| !h.is_empty()).await;
    assert!(
        heard && rx.heard[0]["verified"] == true && rx.heard[0]["type"] == "webhook.test",
        "{:?}",
        rx.heard
    );
    eval(c, &press("Deliveries")).await;
    let delivered =
        "document.querySelectorAll('#webhook-log li[data-status=delivered]').length === 1";
    wait_dom(c, "the test event delivered in the log", Duration::from_secs(10), delivered).await;
    eval(c, "document.querySelector('#webhook-log li button').click() || true").await;
    assert!(rx.until(Duration::from_secs(10), |h| h.len() >= 2).await, "Retry sends it again");
    assert_eq!(rx.heard[1]["id"], rx.heard[0]["id"], "with the same webhook-id");
}
