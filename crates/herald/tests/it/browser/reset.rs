//! Password reset in real browsers through a real SMTP sink (issue 24, "People, third
//! round"): someone who forgot their password asks for a link from the sign-in page, the
//! e-mail carries it, the link lets them choose a new one and signs them in, and the
//! browser still signed in with the old password loses its session at once.

use super::driver::{click, sign_in_person, type_into, wait_page, ChromeDriver, Viewport};
use super::{browser_or_skip, seed};
use crate::support::people::PASSWORD;
use crate::support::smtp::SmtpSink;
use crate::support::{spawn_app_with, Options};
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

const NEW_PASSWORD: &str = "a lantern by the quiet harbour";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_reset_by_e_mail_and_the_other_browser_is_signed_out() {
    let Some(browser) = browser_or_skip() else { return };
    let sink = SmtpSink::start().await;
    let options =
        Options { smtp_url: Some(sink.url()), public_url_is_self: true, ..Options::default() };
    let app = spawn_app_with(options).await;
    let ws = seed::another_workspace(&app, "Acme", true).await;
    seed::person(&app, &ws, "ola@example.com", "Ola Editor", "editor").await;
    let chrome = ChromeDriver::start(&browser).await;
    let (old, new) =
        tokio::join!(chrome.session(Viewport::Desktop), chrome.session(Viewport::Phone));
    let outcome = AssertUnwindSafe(async {
        let home = format!("/w/{ws}");
        old.goto(&format!("{}/", app.url)).await.unwrap();
        sign_in_person(&old, "ola@example.com", PASSWORD, &home).await;
        let live = "document.getElementById('live').dataset.state === 'open'";
        wait_page(&old, "the old browser, live", Duration::from_secs(10), live).await;

        new.goto(&format!("{}/", app.url)).await.unwrap();
        wait_page(&new, "the sign-in page", Duration::from_secs(10), "document.body.dataset.loaded === 'true'").await;
        click(&new, "a[href='/reset-password']").await;
        wait_page(&new, "the reset page", Duration::from_secs(10), "location.pathname === '/reset-password' && document.body.dataset.loaded === 'true'").await;
        type_into(&new, "#email", "ola@example.com").await;
        click(&new, "#ask-button").await;
        wait_page(&new, "the link sent", Duration::from_secs(5), "!document.getElementById('reset-done').hidden").await;

        let mails = sink.wait_for(2, Duration::from_secs(10)).await; // the invitation, the link
        let mail = mails.iter().find(|m| m.header("subject").is_some_and(|s| s.contains("Reset")));
        let text = &mail.expect("the reset mail").data;
        let start = text.find(&format!("{}/reset-password?token=", app.url)).expect("the link");
        let link = text[start..].split_whitespace().next().unwrap().to_owned();
        new.goto(&link).await.unwrap();
        let choose = "document.body.dataset.loaded === 'true' && !document.getElementById('choose-form').hidden && location.search === ''";
        wait_page(&new, "the new password form, the token out of the address", Duration::from_secs(10), choose).await;
        type_into(&new, "#password", NEW_PASSWORD).await;
        click(&new, "#choose-button").await;
        let signed_in = format!("location.pathname === '{home}' && document.body.dataset.loaded === 'true'");
        wait_page(&new, "signed in with the new password", Duration::from_secs(10), &signed_in).await;

        let lost = "document.body.dataset.lost === 'signed_out'";
        wait_page(&old, "the old browser signed out", Duration::from_secs(5), lost).await;
        let (status, _, _) = app.login("ola@example.com", PASSWORD).await;
        assert_eq!(status, 401, "the old password no longer works");
    })
    .catch_unwind()
    .await;
    for c in [old, new] {
        let _ = c.close().await;
    }
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
