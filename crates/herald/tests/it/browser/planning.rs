//! Planning in a real browser. The calendar: an editor drags a pending post to the day
//! before in the month view (its time of day kept); an approver's calendar in another
//! browser shows it there without reloading. A move from a page that missed a change
//! gets "changed meanwhile — reload?", and the keyboard's "Move to…" dialog moves a post
//! too; moving an approved post asks first, since it goes back for approval. The
//! dashboard list: search, a network filter, a live re-query, "Next up".

use super::driver::{
    click, eval, page_stream, screenshot, sign_in, type_into, wait_dom, wait_page, ChromeDriver,
    Viewport,
};
use super::{artifacts_dir, browser_or_skip, root, seed};
use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::{Client, Locator};
use futures::FutureExt;
use reqwest::Method;
use serde_json::json;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

/// Opens the calendar of `ws` at `date` (month view) and waits until it is loaded and live.
async fn open_calendar(c: &Client, url: &str, ws: &str, date: &str) {
    c.goto(&format!("{url}/w/{ws}/calendar?view=month&date={date}")).await.unwrap();
    wait_page(c, "the calendar, loaded and live", Duration::from_secs(10),
        "document.body.dataset.loaded === 'true' && document.getElementById('live').dataset.state === 'open' && !!document.querySelector('#cal-grid td[data-date]')").await;
}

/// Drags the element `from` onto the element `to` with the mouse (WebDriver actions:
/// real pointer events, as a person's hand makes them).
async fn drag(c: &Client, from: &str, to: &str) {
    let source = c.find(Locator::Css(from)).await.unwrap_or_else(|e| panic!("find {from}: {e}"));
    let target = c.find(Locator::Css(to)).await.unwrap_or_else(|e| panic!("find {to}: {e}"));
    let step = |element: &fantoccini::elements::Element| PointerAction::MoveToElement {
        element: element.clone(),
        duration: Some(Duration::from_millis(150)),
        x: 0.0,
        y: 0.0,
    };
    let mouse = MouseActions::new("mouse".into())
        .then(step(&source))
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(100)), x: 12.0, y: 8.0 })
        .then(step(&target))
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    c.perform_actions(mouse).await.expect("drag");
    c.release_actions().await.expect("release");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendar_reschedule_by_drag_shows_the_move_in_a_second_browser() {
    let Some(browser) = browser_or_skip() else { return };
    let app = crate::support::spawn_app().await;
    let seeded = seed::workspace(&app).await;
    let chrome = ChromeDriver::start(&browser).await;
    let (editor, approver) =
        tokio::join!(chrome.session(Viewport::Desktop), chrome.session(Viewport::Desktop));
    let outcome =
        AssertUnwindSafe(drag_scenario(&app, &seeded, &editor, &approver)).catch_unwind().await;
    for c in [editor, approver] {
        let _ = c.close().await;
    }
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn drag_scenario(
    app: &crate::support::TestApp,
    s: &seed::Seeded,
    editor: &Client,
    approver: &Client,
) {
    let ws = &s.ws;
    let url = &app.url;
    // A pending post five days ahead at 10:30 Paris time (its day and the day before
    // are both shown by the month view of its own month unless it is a Monday the 1st).
    let at = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive()
        + chrono::Days::new(5);
    let local = at.and_hms_opt(10, 30, 0).unwrap();
    let when = local.and_local_timezone(chrono_tz::Europe::Paris).single().unwrap();
    let text = "Studio open day: come and see the new looms at work.";
    let made = app
        .create_post(
            ws,
            &s.editor,
            json!({"text": text, "platforms": ["linkedin"], "schedule_at": when.to_rfc3339()}),
        )
        .await
        .expect(201);
    let id = made["id"].as_str().unwrap().to_owned();
    let day = at.format("%Y-%m-%d").to_string();

    sign_in(editor, url, &s.editor, ws).await;
    sign_in(approver, url, &s.approver, ws).await;
    click(editor, "nav a[href$='/calendar']").await;
    wait_page(editor, "the calendar from the navigation", Duration::from_secs(10),
        "location.pathname.endsWith('/calendar') && document.body.dataset.loaded === 'true' && document.getElementById('live').dataset.state === 'open'").await;
    open_calendar(editor, url, ws, &day).await;
    open_calendar(approver, url, ws, &day).await;
    editor.execute("window.__sameDocument = true;", vec![]).await.unwrap();
    approver.execute("window.__sameDocument = true;", vec![]).await.unwrap();

    let chip = format!("#cal-grid li.cal-post[data-post-id='{id}']");
    let shown = wait_dom(editor, "the post on its day, with its time", Duration::from_secs(5),
        &format!("(li => li && li.closest('td').dataset.date + ' ' + li.querySelector('.cal-time').textContent)(document.querySelector(\"{chip}\"))")).await;
    assert_eq!(shown, format!("{day} 10:30"));
    assert!(eval(editor, "document.getElementById('cal-zone').textContent")
        .await
        .as_str()
        .unwrap()
        .contains("Europe/Paris"));

    // The target: the day before (or after, when the day before is not on screen).
    let target = eval(editor, &format!("(d => {{ const c = [-1, 1].map(n => {{ const x = new Date(d + 'T00:00:00Z'); x.setUTCDate(x.getUTCDate() + n); return x.toISOString().slice(0, 10); }}).find(k => document.querySelector(`#cal-grid td[data-date='${{k}}']`)); document.querySelector(`#cal-grid td[data-date='${{c}}']`).scrollIntoView({{block: 'center'}}); return c; }})({})", json!(day))).await;
    let target = target.as_str().unwrap().to_owned();
    drag(editor, &chip, &format!("#cal-grid td[data-date='{target}']")).await;

    // Both pages show it on the new day at the same time of day, without reloading.
    let moved = format!("document.querySelector(\"#cal-grid td[data-date='{target}'] li.cal-post[data-post-id='{id}']\")");
    for (c, who) in [(editor, "the editor"), (approver, "the approver (live)")] {
        let at = wait_dom(
            c,
            &format!("the post on {target} for {who}"),
            Duration::from_secs(5),
            &format!("(li => li && li.dataset.at)({moved})"),
        )
        .await;
        assert_eq!(at, format!("{target}T10:30"), "{who}");
        assert_eq!(eval(c, "window.__sameDocument === true").await, true, "{who}'s page reloaded");
    }
    let stored = app.get_post(ws, &id, &s.editor).await;
    let stored_at =
        chrono::DateTime::parse_from_rfc3339(stored["schedule_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        stored_at.with_timezone(&chrono_tz::Europe::Paris).format("%Y-%m-%dT%H:%M").to_string(),
        format!("{target}T10:30")
    );
    screenshot(
        editor,
        &[artifacts_dir().join("calendar.png"), root().join("docs/screenshots/calendar.png")],
    )
    .await;

    // A page that missed a change (its stream stopped) gets a conflict and a reload offer.
    page_stream(editor, "stop").await;
    let version = stored["version"].as_i64().unwrap();
    app.call(
        Method::PATCH,
        &format!("/api/workspaces/{ws}/posts/{id}"),
        Some(&s.editor),
        Some(json!({"version": version, "text": format!("{text} Free entry.")})),
    )
    .await
    .expect(200);
    drag(
        editor,
        &format!("#cal-grid li.cal-post[data-post-id='{id}']"),
        &format!("#cal-grid td[data-date='{day}']"),
    )
    .await;
    let said = wait_dom(
        editor,
        "the conflict banner",
        Duration::from_secs(5),
        "(b => !b.hidden && b.textContent)(document.getElementById('cal-banner'))",
    )
    .await;
    assert!(said.as_str().unwrap().contains("changed meanwhile — reload?"), "{said}");
    click(editor, "#cal-reload").await;
    wait_dom(
        editor,
        "the reloaded post",
        Duration::from_secs(5),
        &format!(
            "document.getElementById('cal-banner').hidden && {moved}.dataset.version === '{}'",
            version + 1
        ),
    )
    .await;

    // The keyboard way: "Move to…" opens a dialog with a date and time.
    editor
        .execute(&format!("document.querySelector(\"{chip} .cal-move\").focus();"), vec![])
        .await
        .unwrap();
    click(editor, &format!("{chip} .cal-move")).await;
    wait_dom(
        editor,
        "the move dialog",
        Duration::from_secs(2),
        "document.getElementById('move-dialog').open",
    )
    .await;
    editor
        .execute(&format!("document.getElementById('move-at').value = '{day}T16:45';"), vec![])
        .await
        .unwrap();
    click(editor, "#move-form button[value=move]").await;
    wait_dom(editor, "the post back on its first day at 16:45", Duration::from_secs(5),
        &format!("!document.getElementById('move-dialog').open && (li => li && li.dataset.at === '{day}T16:45')(document.querySelector(\"#cal-grid td[data-date='{day}'] li.cal-post[data-post-id='{id}']\"))")).await;
    wait_dom(approver, "the approver seeing it too", Duration::from_secs(5),
        &format!("(li => li && li.dataset.at === '{day}T16:45')(document.querySelector(\"#cal-grid td[data-date='{day}'] li.cal-post[data-post-id='{id}']\"))")).await;

    // The week view puts it in its hour; a click opens the post.
    click(approver, "#view-week").await;
    wait_dom(approver, "the week view with the post at 16:00", Duration::from_secs(5),
        &format!("!!document.querySelector(\"#cal-grid td[data-date='{day}'][data-hour='16'] li.cal-post[data-post-id='{id}']\")")).await;
    click(approver, &format!("{chip} a.cal-link")).await;
    wait_page(
        approver,
        "the post page",
        Duration::from_secs(10),
        &format!(
            "location.pathname === '/w/{ws}/posts/{id}' && document.body.dataset.loaded === 'true'"
        ),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_list_searches_filters_and_shows_what_goes_out_next() {
    let Some(browser) = browser_or_skip() else { return };
    let app = crate::support::spawn_app().await;
    let s = seed::workspace(&app).await;
    let chrome = ChromeDriver::start(&browser).await;
    let editor = chrome.session(Viewport::Desktop).await;
    let outcome = AssertUnwindSafe(async {
        sign_in(&editor, &app.url, &s.editor, &s.ws).await;
        let rows = "[...document.querySelectorAll('#post-list li.post-item')].map(li => li.querySelector('.post-text').textContent)";
        // Typing searches on the server once the typing pauses.
        type_into(&editor, "#f-q", "sustainability").await;
        let found = wait_dom(&editor, "the search results", Duration::from_secs(5),
            &format!("document.getElementById('filter-note').textContent.includes('“sustainability”') && !document.getElementById('post-list').hasAttribute('aria-busy') && (r => r.length && r)({rows})")).await;
        let found: Vec<&str> = found.as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        assert!(found.iter().all(|t| t.contains("Sustainability report")), "{found:?}");
        // A network narrows it further; a new matching post arrives live (re-queried).
        super::driver::choose(&editor, "#f-platform", "instagram").await;
        wait_dom(&editor, "only Instagram posts", Duration::from_secs(5),
            "document.getElementById('filter-note').textContent.includes('on Instagram') && !document.getElementById('post-list').hasAttribute('aria-busy')").await;
        let text = "Sustainability: our dye garden now runs on rainwater.";
        app.create_post(&s.ws, &s.editor, json!({"text": text, "platforms": ["instagram"], "submit": false})).await.expect(201);
        wait_dom(&editor, "the new matching post, live", Duration::from_secs(5),
            &format!("{rows}[0] === {}", json!(text))).await;
        // "Next up": what goes out next first, from now on.
        type_into(&editor, "#f-q", "").await;
        super::driver::choose(&editor, "#f-platform", "").await;
        super::driver::choose(&editor, "#f-sort", "schedule_at").await;
        let next = wait_dom(&editor, "the next posts first", Duration::from_secs(5),
            &format!("document.getElementById('filter-note').textContent.includes('next up first') && !document.getElementById('post-list').hasAttribute('aria-busy') && (r => r.length >= 2 && r.slice(0, 2))({rows})")).await;
        assert_eq!(next, json!([seed::TEXTS[6], seed::TEXTS[5]]));
    })
    .catch_unwind()
    .await;
    let _ = editor.close().await;
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_an_approved_post_asks_first_because_it_goes_back_for_approval() {
    let Some(browser) = browser_or_skip() else { return };
    let app = crate::support::spawn_app().await;
    let s = seed::workspace(&app).await;
    let at = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive()
        + chrono::Days::new(4);
    let day = at.format("%Y-%m-%d").to_string();
    let when = at.and_hms_opt(9, 0, 0).unwrap().and_local_timezone(chrono_tz::Europe::Paris);
    let body = json!({"text": "Approved already", "platforms": ["linkedin"], "schedule_at": when.single().unwrap().to_rfc3339()});
    let made = app.create_post(&s.ws, &s.editor, body).await.expect(201);
    let id = made["id"].as_str().unwrap().to_owned();
    let approve = json!({"version": made["version"]});
    let approved = app.act(&s.ws, &id, "approve", &s.approver, approve).await.expect(200);
    let chrome = ChromeDriver::start(&browser).await;
    let editor = chrome.session(Viewport::Desktop).await;
    let outcome = AssertUnwindSafe(async {
        sign_in(&editor, &app.url, &s.editor, &s.ws).await;
        open_calendar(&editor, &app.url, &s.ws, &day).await;
        let chip = format!("#cal-grid li.cal-post[data-post-id='{id}']");
        let move_to = |value: String| {
            let (editor, chip) = (&editor, chip.clone());
            async move {
                // Found and clicked in one step, once the chip is drawn: the posts may be
                // drawn after the grid, and a live re-read may redraw the chip.
                let open = format!("(b => !!b && (b.click(), document.getElementById('move-at').value = '{value}', true))(document.querySelector(\"{chip} .cal-move\"))");
                wait_dom(editor, "the post's move button, clicked", Duration::from_secs(10), &open).await;
                click(editor, "#move-form button[value=move]").await;
            }
        };
        // Dismissed: nothing changes.
        move_to(format!("{day}T15:00")).await;
        let asked = super::driver::confirm(&editor, false).await;
        assert!(asked.contains("back for approval"), "{asked}");
        let post = app.get_post(&s.ws, &id, &s.editor).await;
        assert_eq!(post["status"], "scheduled");
        assert_eq!(post["schedule_at"], approved["schedule_at"], "not moved");
        // Accepted: moved, and waiting for approval again.
        move_to(format!("{day}T15:00")).await;
        super::driver::confirm(&editor, true).await;
        let moved = format!("(li => li && li.dataset.at === '{day}T15:00' && li.dataset.status)(document.querySelector(\"{chip}\"))");
        let status = wait_dom(&editor, "the moved post", Duration::from_secs(5), &moved).await;
        assert_eq!(status, "pending_approval");
    })
    .catch_unwind()
    .await;
    let _ = editor.close().await;
    drop(chrome);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
