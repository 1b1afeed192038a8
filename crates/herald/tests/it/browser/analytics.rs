//! The analytics page in a real browser: stored figures of 40 days drawn as an SVG chart
//! of 30 days by default, a range change redrawing it for the dates chosen (in the
//! workspace zone), and the top posts table saved as CSV from a Blob built in the page.
//! And a published post's own figures: beside it in the dashboard list, per network on
//! its page.

use super::driver::{click, eval, sign_in, wait_dom, wait_page, ChromeDriver, Viewport};
use super::{browser_or_skip, seed};
use crate::support::{spawn_app, TestApp};
use chrono::{Duration, Utc};
use fantoccini::Client;
use futures::FutureExt;
use herald::foundation::domain::{Metric, PostMetrics};
use std::panic::AssertUnwindSafe;
use std::time::Duration as Wait;

/// One post a day for 40 days, on X, with figures that grow with the day.
async fn figures(app: &TestApp, ws: &str) {
    let now = herald::foundation::domain::model::now_ms();
    let records: Vec<PostMetrics> = (1..=40)
        .map(|d| PostMetrics {
            workspace_id: ws.to_owned(),
            post_id: None,
            ayrshare_id: format!("ayr-{d}"),
            platform: "twitter".into(),
            posted_at: now - Duration::days(d) + Duration::hours(1),
            metrics: [
                (Metric::Likes, d as f64),
                (Metric::Impressions, 100.0 * d as f64),
                (Metric::Engagements, 2.0 * d as f64),
            ]
            .into(),
            as_of: now,
            next_refresh_at: Some(now + Duration::hours(1)),
        })
        .collect();
    assert_eq!(app.store.save_post_metrics(&records).await.unwrap(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_analytics_page_draws_a_chart_changes_range_and_downloads_the_table_as_csv() {
    let Some(browser) = browser_or_skip() else { return };
    let app = spawn_app().await;
    let ws = seed::another_workspace(&app, "Acme", false).await;
    figures(&app, &ws).await;
    let viewer = app.token(&ws, "viewer").await;
    let chrome = ChromeDriver::start(&browser).await;
    let c = chrome.session(Viewport::Desktop).await;
    let outcome = AssertUnwindSafe(scenario(&app, &c, &ws, &viewer)).catch_unwind().await;
    let _ = c.close().await;
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn scenario(app: &TestApp, c: &Client, ws: &str, token: &str) {
    sign_in(c, &app.url, token, ws).await;
    click(c, &format!("#nav a[href='/w/{ws}/analytics']")).await;
    let loaded =
        "document.body.dataset.loaded && document.querySelectorAll('#chart svg g.day').length";
    let days = wait_page(c, "the chart of the last 30 days", Wait::from_secs(10), loaded).await;
    assert_eq!(days, 30);
    let zone = eval(c, "document.getElementById('chart-sub').textContent").await;
    assert!(zone.as_str().unwrap().ends_with("Europe/Paris"), "{zone}");
    let bars = eval(c, "document.querySelectorAll('#chart svg rect.bar').length").await;
    assert!(bars.as_u64().unwrap() >= 28, "{bars}");

    // A week of the range: 7 days drawn, only that week's posts in the table.
    let to = (Utc::now() - Duration::days(3)).format("%Y-%m-%d").to_string();
    let from = (Utc::now() - Duration::days(9)).format("%Y-%m-%d").to_string();
    c.execute(
        "document.getElementById('range-from').value = arguments[0]; document.getElementById('range-to').value = arguments[1];",
        vec![from.clone().into(), to.clone().into()],
    )
    .await
    .unwrap();
    click(c, "#range-form button[type=submit]").await;
    let cond = format!("document.body.dataset.loaded === '{from}/{to}' && document.querySelectorAll('#chart svg g.day').length");
    assert_eq!(wait_dom(c, "the chart of the chosen week", Wait::from_secs(5), &cond).await, 7);
    let rows = eval(c, "document.querySelectorAll('#top-posts tbody tr').length").await;
    assert!((6..=8).contains(&rows.as_u64().unwrap()), "{rows}");
    assert!(eval(c, "location.search").await.as_str().unwrap().contains(&from));

    // CSV: the Blob the page hands to the download link, read back.
    c.execute(
        "const make = URL.createObjectURL; window.__csv = null;\
         URL.createObjectURL = b => { b.text().then(t => { window.__csv = t; }); return make(b); };",
        vec![],
    )
    .await
    .unwrap();
    click(c, "#csv").await;
    let csv = wait_page(c, "the CSV", Wait::from_secs(5), "window.__csv").await;
    let csv = csv.as_str().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "post_id,ayrshare_id,platform,posted_at,impressions,engagements,likes,comments,shares,clicks,as_of");
    assert_eq!(lines.len() as u64, 1 + rows.as_u64().unwrap());
    assert!(lines[1].contains(",twitter,") && lines[1].ends_with('Z'), "{}", lines[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_posts_figures_show_in_the_dashboard_list_and_per_network_on_its_page() {
    let Some(browser) = browser_or_skip() else { return };
    let app = spawn_app().await;
    let ws = seed::another_workspace(&app, "Acme", false).await;
    let editor = app.token(&ws, "editor").await;
    let body = serde_json::json!({"text": "Figures please", "platforms": ["twitter", "linkedin"]});
    let post = app.create_post(&ws, &editor, body).await.expect(201);
    assert_eq!(post["status"], "published");
    app.analytics.refresh_once().await.unwrap();
    let chrome = ChromeDriver::start(&browser).await;
    let c = chrome.session(Viewport::Desktop).await;
    let id = post["id"].as_str().unwrap().to_owned();
    let outcome = AssertUnwindSafe(post_scenario(&app, &c, &ws, &editor, &id)).catch_unwind().await;
    let _ = c.close().await;
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn post_scenario(app: &TestApp, c: &Client, ws: &str, token: &str, id: &str) {
    sign_in(c, &app.url, token, ws).await;
    let beside = format!("(document.querySelector('li.post-item[data-post-id=\"{id}\"] .post-figures') || {{}}).textContent");
    let text = wait_page(c, "the post's figures in the list", Wait::from_secs(10), &beside).await;
    assert!(text.as_str().unwrap().contains("impressions"), "{text}");
    click(c, &format!("li.post-item[data-post-id='{id}'] a.post-link")).await;
    // `|| false`: 0 rows is "not yet" (the panel shows before its figures arrive).
    let rows = "!document.getElementById('figures-panel').hidden && (document.querySelectorAll('#figures tbody tr').length || false)";
    assert_eq!(wait_page(c, "the figures per network", Wait::from_secs(10), rows).await, 2);
    let networks = eval(
        c,
        "[...document.querySelectorAll('#figures tbody tr')].map(r => r.dataset.platform).join()",
    )
    .await;
    assert_eq!(networks, "linkedin,twitter");
    let age = eval(c, "document.querySelector('#figures p.hint').dataset.upstream").await;
    assert_eq!(age, "fresh");
}

/// UX review 3, both seen failing before the fix: the y-axis cut 1,969,744 to "69,744",
/// and "Top posts" named every post "Open".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_figures_fit_the_charts_axis_and_top_posts_are_named_by_their_text() {
    let Some(browser) = browser_or_skip() else { return };
    let app = spawn_app().await;
    let ws = seed::another_workspace(&app, "Acme", false).await;
    let editor = app.token(&ws, "editor").await;
    let text = "Our biggest launch yet: the spring range, in every store from today.";
    let body = serde_json::json!({"text": text, "platforms": ["twitter"]});
    let post = app.create_post(&ws, &editor, body).await.expect(201);
    let now = herald::foundation::domain::model::now_ms();
    let record = PostMetrics {
        workspace_id: ws.clone(),
        post_id: Some(post["id"].as_str().unwrap().to_owned()),
        ayrshare_id: "ayr-big".into(),
        platform: "twitter".into(),
        posted_at: now - Duration::days(1),
        metrics: [(Metric::Engagements, 1_969_744.0), (Metric::Impressions, 9e6)].into(),
        as_of: now,
        next_refresh_at: Some(now + Duration::hours(1)),
    };
    assert_eq!(app.store.save_post_metrics(&[record]).await.unwrap(), 1);
    let chrome = ChromeDriver::start(&browser).await;
    let c = chrome.session(Viewport::Desktop).await;
    let outcome = AssertUnwindSafe(async {
        sign_in(&c, &app.url, &editor, &ws).await;
        click(&c, &format!("#nav a[href='/w/{ws}/analytics']")).await;
        let ticks = "document.body.dataset.loaded && [...document.querySelectorAll('#chart svg text.tick')]";
        let cond = format!("(t => t.length && t.map(x => [x.textContent, x.getBBox().x]))({ticks})");
        let ticks = wait_page(&c, "the chart's axis", Wait::from_secs(10), &cond).await;
        for tick in ticks.as_array().unwrap() {
            let x = tick[1].as_f64().unwrap();
            assert!(x >= 0.0, "the tick {} starts at x = {x}, outside the chart", tick[0]);
        }
        assert_eq!(ticks[2][0], "1,969,744", "{ticks}");
        let named = eval(&c, "document.querySelector('#top-posts tbody tr a').textContent").await;
        assert_eq!(named, text);
    })
    .catch_unwind()
    .await;
    let _ = c.close().await;
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
