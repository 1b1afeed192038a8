//! The plan in a real browser: the composer's "Add to queue" creates a post at the
//! queue's first free slot and says the time it got; on the calendar, clicking an empty
//! day opens the composer at that day (09:00 in the workspace's zone), and Enter on a
//! focused empty hour of the week view opens it at that hour; the queue's free slots
//! are marked on the calendar.

use super::browser_or_skip;
use super::driver::{click, eval, sign_in, wait_dom, wait_page, ChromeDriver, Viewport};
use crate::support::{TestApp, ADMIN};
use fantoccini::{Client, Locator};
use futures::FutureExt;
use reqwest::Method;
use serde_json::{json, Value};
use std::panic::AssertUnwindSafe;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_goes_into_the_queue_and_another_is_written_from_an_empty_calendar_day() {
    let Some(browser) = browser_or_skip() else { return };
    let app = crate::support::spawn_app().await;
    let seeded = super::seed::workspace(&app).await;
    let chrome = ChromeDriver::start(&browser).await;
    let c = chrome.session(Viewport::Desktop).await;
    let outcome = AssertUnwindSafe(scenario(&app, &seeded, &c)).catch_unwind().await;
    let _ = c.close().await;
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

fn hourly() -> Value {
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let slots: Vec<Value> = days
        .iter()
        .flat_map(|d| (0..24).map(move |h| json!({"weekday": d, "time": format!("{h:02}:00")})))
        .collect();
    json!({ "slots": slots })
}

async fn posts_with_text(app: &TestApp, ws: &str, text: &str) -> Vec<Value> {
    app.all_posts(ws).await.into_iter().filter(|p| p["text"] == text).collect()
}

async fn scenario(app: &TestApp, s: &super::seed::Seeded, c: &Client) {
    let ws = &s.ws;
    let url = &app.url;
    let path = format!("/api/workspaces/{ws}/queue");
    let queue = app.call(Method::PUT, &path, Some(ADMIN), Some(hourly())).await.expect(200);
    let first_free = queue["next"][0].as_str().unwrap().to_owned();

    // "Add to queue" in the composer.
    sign_in(c, url, &s.editor, ws).await;
    let text = "Queued from the composer: the looms are back.";
    c.find(Locator::Id("compose-text")).await.unwrap().send_keys(text).await.unwrap();
    click(c, "#compose-form input[name=platforms][value=linkedin]").await;
    click(c, "#compose-queue").await;
    let said = wait_dom(c, "the time the queue gave", Duration::from_secs(10),
        "(e => e.textContent.startsWith('Added to the queue') && e.textContent)(document.getElementById('compose-result'))").await;
    assert_eq!(
        eval(c, "document.getElementById('compose-queue').dataset.queuedAt").await,
        json!(first_free),
        "{said}"
    );
    let made = posts_with_text(app, ws, text).await;
    assert_eq!(made.len(), 1);
    assert_eq!(made[0]["schedule_at"], json!(first_free));

    // The calendar marks free slots; clicking an empty day two weeks ahead opens the
    // composer at 09:00 that day.
    let day = (chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive()
        + chrono::Days::new(14))
    .format("%Y-%m-%d")
    .to_string();
    c.goto(&format!("{url}/w/{ws}/calendar?view=month&date={day}")).await.unwrap();
    wait_page(c, "the calendar with its free slots", Duration::from_secs(10),
        "document.body.dataset.loaded === 'true' && !!document.querySelector('#cal-grid .cal-free')").await;
    let cell = format!("#cal-grid td[data-date='{day}']");
    let empty = eval(c, &format!("!document.querySelector(\"{cell} li.cal-post\")")).await;
    assert_eq!(empty, true, "the chosen day has no posts");
    eval(c, &format!("(e => (e.scrollIntoView({{block: 'center'}}), true))(document.querySelector(\"{cell}\"))")).await;
    click(c, &format!("{cell} .cal-daynum")).await;
    let at = format!("{day}T09:00");
    wait_page(c, "the composer at the day clicked", Duration::from_secs(10),
        &format!("document.body.dataset.loaded === 'true' && (i => i && i.value === '{at}')(document.querySelector('#compose-form input[name=schedule_at]'))")).await;
    let text = "Written from an empty calendar day.";
    wait_dom(
        c,
        "the composer focused",
        Duration::from_secs(5),
        "document.activeElement && document.activeElement.id === 'compose-text'",
    )
    .await;
    c.find(Locator::Id("compose-text")).await.unwrap().send_keys(text).await.unwrap();
    click(c, "#compose-form input[name=platforms][value=linkedin]").await;
    click(c, "#compose-form button[value=submit]").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let made = loop {
        let made = posts_with_text(app, ws, text).await;
        if !made.is_empty() || tokio::time::Instant::now() > deadline {
            break made;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(made.len(), 1, "the post was created");
    let stored =
        chrono::DateTime::parse_from_rfc3339(made[0]["schedule_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        stored.with_timezone(&chrono_tz::Europe::Paris).format("%Y-%m-%dT%H:%M").to_string(),
        at
    );

    // The keyboard: Enter on a focused empty hour of the week view.
    c.goto(&format!("{url}/w/{ws}/calendar?view=week&date={day}")).await.unwrap();
    let hour = format!("#cal-grid td[data-date='{day}'][data-hour='15']");
    wait_page(c, "the week view", Duration::from_secs(10),
        &format!("document.body.dataset.loaded === 'true' && (e => e && e.tabIndex === 0)(document.querySelector(\"{hour}\"))")).await;
    // The grid may be drawn again as its posts arrive: press Enter on the cell as it is
    // then, until the page leaves (at most three times).
    for _ in 0..3 {
        if let Ok(cell) = c.find(Locator::Css(&hour)).await {
            let _ = cell.send_keys("\u{E007}").await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        let still = c.execute("return location.pathname.endsWith('/calendar');", vec![]).await;
        if !matches!(still, Ok(Value::Bool(true))) {
            break;
        }
    }
    let at = format!("{day}T15:00");
    wait_page(c, "the composer at the hour chosen by keyboard", Duration::from_secs(10),
        &format!("document.body.dataset.loaded === 'true' && (i => i && i.value === '{at}')(document.querySelector('#compose-form input[name=schedule_at]'))")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_page_reports_every_bad_csv_row_imports_after_confirming_and_shows_a_feed_error() {
    let Some(browser) = browser_or_skip() else { return };
    let app = crate::support::spawn_app().await;
    let seeded = super::seed::workspace(&app).await;
    let chrome = ChromeDriver::start(&browser).await;
    let c = chrome.session(Viewport::Desktop).await;
    let outcome = AssertUnwindSafe(plan_page(&app, &seeded, &c)).catch_unwind().await;
    let _ = c.close().await;
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn plan_page(app: &TestApp, s: &super::seed::Seeded, c: &Client) {
    let ws = &s.ws;
    let url = &app.url;
    // A feed that answers something that is not a feed.
    let junk = crate::api::plan::serve_feed(std::sync::Arc::new(std::sync::Mutex::new(
        "not a feed at all".to_owned(),
    )))
    .await;
    let body = json!({"url": junk, "platforms": ["linkedin"]});
    app.call(Method::POST, &format!("/api/workspaces/{ws}/feeds"), Some(ADMIN), Some(body))
        .await
        .expect(201);

    let admin = app.token(ws, "admin").await;
    sign_in(c, url, &admin, ws).await;
    c.goto(&format!("{url}/w/{ws}/plan")).await.unwrap();
    wait_page(
        c,
        "the plan page",
        Duration::from_secs(10),
        "document.body.dataset.loaded === 'true'",
    )
    .await;

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "text,platforms\nfine,linkedin\n,myspace\nalso fine,linkedin\n").unwrap();
    let file = c.find(Locator::Id("import-file")).await.unwrap();
    file.send_keys(bad.to_str().unwrap()).await.unwrap();
    click(c, "#import-check").await;
    let problems = wait_dom(c, "the dry run's report", Duration::from_secs(10),
        "(t => t && [...t.querySelectorAll('tbody tr')].map(r => r.cells[0].textContent + ' ' + r.cells[1].textContent).join(','))(document.querySelector('#import-report table'))").await;
    assert_eq!(problems, json!("2 platforms"));
    assert_eq!(eval(c, "document.getElementById('import-confirm').hidden").await, json!(true));

    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "text,platforms,external_id\nfrom the page,linkedin,p-1\nand another,linkedin,p-2\n",
    )
    .unwrap();
    let file = c.find(Locator::Id("import-file")).await.unwrap();
    file.clear().await.unwrap();
    file.send_keys(good.to_str().unwrap()).await.unwrap();
    click(c, "#import-check").await;
    wait_dom(
        c,
        "the import offered",
        Duration::from_secs(10),
        "!document.getElementById('import-confirm').hidden",
    )
    .await;
    assert!(
        posts_with_text(app, ws, "from the page").await.is_empty(),
        "a dry run creates nothing"
    );
    click(c, "#import-confirm").await;
    wait_dom(c, "the import done", Duration::from_secs(10),
        "(t => t.startsWith('Imported 2 posts') && t)(document.getElementById('import-report').textContent)").await;
    assert_eq!(posts_with_text(app, ws, "from the page").await.len(), 1);

    // The feed's last error is on its page.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        c.refresh().await.unwrap();
        wait_page(
            c,
            "the plan page",
            Duration::from_secs(10),
            "document.body.dataset.loaded === 'true'",
        )
        .await;
        let shown = eval(
            c,
            "(e => e ? e.textContent : '')(document.querySelector('#feed-list .feed-error'))",
        )
        .await;
        if shown.as_str().unwrap().contains("not an RSS or Atom feed") {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the feed's error was not shown: {shown}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
