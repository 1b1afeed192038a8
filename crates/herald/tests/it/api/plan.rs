//! Plan (API.md "Plan: posting queue, calendar creation, CSV import, feeds"): the queue's
//! slots and next free times, queue additions taking the free slots in order (a post
//! scheduled by hand holds its slot too), a paused queue holding its due posts and
//! moving those whose time passed when it resumes, CSV import all or nothing with every
//! bad row reported, re-import skipping known `external_id`s, and feeds becoming one
//! draft per item (refused on loopback unless allowed). Every scenario runs on SQLite
//! and on PostgreSQL.

use crate::api::people::on_both_backends;
use crate::support::*;
use axum::routing::get;
use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

on_both_backends!(
    queue_additions_take_the_free_slots_in_order_and_say_so,
    a_queue_without_slots_is_422_queue_empty_and_bad_slots_are_422,
    a_paused_queue_holds_its_due_posts_and_resuming_moves_the_passed_ones_to_free_slots,
    a_csv_import_with_a_bad_row_in_the_middle_creates_nothing_and_names_every_bad_field,
    a_csv_import_creates_every_row_once_and_a_reimport_skips_known_external_ids,
    a_csv_import_of_more_than_1000_rows_is_413,
    each_feed_item_becomes_one_draft,
);

fn at(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

/// Every hour of every day: a free slot is never more than an hour away.
fn hourly() -> Value {
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let slots: Vec<Value> = days
        .iter()
        .flat_map(|d| (0..24).map(move |h| json!({"weekday": d, "time": format!("{h:02}:00")})))
        .collect();
    json!({ "slots": slots })
}

async fn set_queue(app: &TestApp, ws: &str, body: Value) -> Value {
    let path = format!("/api/workspaces/{ws}/queue");
    app.call(Method::PUT, &path, Some(ADMIN), Some(body)).await.expect(200)
}

async fn queue(app: &TestApp, ws: &str, token: &str) -> Value {
    let path = format!("/api/workspaces/{ws}/queue");
    app.call(Method::GET, &path, Some(token), None).await.expect(200)
}

async fn queued_post(app: &TestApp, ws: &str, token: &str, text: &str) -> Value {
    let body = json!({"text": text, "platforms": ["twitter"], "queue": true});
    app.create_post(ws, token, body).await.expect(201)
}

async fn queue_additions_take_the_free_slots_in_order_and_say_so(app: TestApp) {
    let ws = app.create_workspace("plan-queue", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let viewer = app.token(&ws, "viewer").await;
    let shown = set_queue(&app, &ws, hourly()).await;
    assert_eq!(shown["slots"].as_array().unwrap().len(), 168);
    let next: Vec<DateTime<Utc>> =
        queue(&app, &ws, &viewer).await["next"].as_array().unwrap().iter().map(at).collect();
    assert_eq!(next.len(), 10);
    assert!(next.windows(2).all(|w| w[1] - w[0] == Duration::hours(1)), "{next:?}");

    // A post scheduled by hand at the second free slot holds it.
    let by_hand =
        json!({"text": "by hand", "platforms": ["twitter"], "schedule_at": next[1].to_rfc3339()});
    app.create_post(&ws, &editor, by_hand).await.expect(201);
    let first = queued_post(&app, &ws, &editor, "first in the queue").await;
    let second = queued_post(&app, &ws, &editor, "second in the queue").await;
    assert_eq!(first["queued"], true);
    assert_eq!(first["status"], "scheduled");
    assert_eq!(at(&first["schedule_at"]), next[0]);
    assert_eq!(at(&second["schedule_at"]), next[2], "the hand-scheduled slot is skipped");

    // A draft holds no slot; the queue's next free times say what is taken.
    let shown: Vec<DateTime<Utc>> =
        queue(&app, &ws, &viewer).await["next"].as_array().unwrap().iter().map(at).collect();
    assert_eq!(shown[0], next[3]);
    let plain = json!({"text": "not queued", "platforms": ["twitter"], "submit": false});
    let draft = app.create_post(&ws, &editor, plain).await.expect(201);
    assert!(draft.get("queued").is_none());
    // Submitting with "queue": true gives the draft the next free slot.
    let id = draft["id"].as_str().unwrap();
    let body = json!({"version": draft["version"], "queue": true});
    let submitted = app.act(&ws, id, "submit", &editor, body).await.expect(200);
    assert_eq!(submitted["status"], "scheduled");
    assert_eq!(at(&submitted["schedule_at"]), next[3]);
    let body = json!({"version": submitted["version"], "queue": true, "comment": "no"});
    app.act(&ws, id, "approve", ADMIN, body).await.expect_error(422, "invalid_field");

    let both = json!({"text": "x", "platforms": ["twitter"], "queue": true, "schedule_at": next[5].to_rfc3339()});
    let err = app.create_post(&ws, &editor, both).await.expect_error(422, "invalid_field");
    assert_eq!(err["error"]["details"]["field"], "queue");
    let path = format!("/api/workspaces/{ws}/queue");
    app.call(Method::PUT, &path, Some(&editor), Some(hourly()))
        .await
        .expect_error(403, "forbidden");
}

async fn a_queue_without_slots_is_422_queue_empty_and_bad_slots_are_422(app: TestApp) {
    let ws = app.create_workspace("plan-empty", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let body = json!({"text": "nowhere to go", "platforms": ["twitter"], "queue": true});
    app.create_post(&ws, &editor, body.clone()).await.expect_error(422, "queue_empty");
    let shown = queue(&app, &ws, &editor).await;
    assert_eq!(
        shown,
        json!({"timezone": shown["timezone"], "paused": false, "slots": [], "next": []})
    );
    let path = format!("/api/workspaces/{ws}/queue");
    for bad in [
        json!({"slots": [{"weekday": "mon", "time": "25:00"}]}),
        json!({"slots": [{"weekday": "someday", "time": "09:00"}]}),
        json!({"slots": [{"weekday": "mon", "time": "09:00"}, {"weekday": "mon", "time": "09:00"}]}),
    ] {
        let reply = app.call(Method::PUT, &path, Some(ADMIN), Some(bad.clone())).await;
        assert!(reply.status == 422 || reply.status == 400, "{bad}: {}", reply.status);
    }
    set_queue(&app, &ws, json!({"slots": []})).await;
    app.create_post(&ws, &editor, body).await.expect_error(422, "queue_empty");
    assert!(app.all_posts(&ws).await.is_empty(), "nothing half-written");
}

async fn a_paused_queue_holds_its_due_posts_and_resuming_moves_the_passed_ones_to_free_slots(
    app: TestApp,
) {
    let ws = app.create_workspace("plan-pause", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    set_queue(&app, &ws, hourly()).await;
    let a = queued_post(&app, &ws, &editor, "held a").await;
    let b = queued_post(&app, &ws, &editor, "held b").await;
    let (a_id, b_id) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let paused = set_queue(&app, &ws, json!({"slots": hourly()["slots"], "paused": true})).await;
    assert_eq!(paused["paused"], true);
    for id in [a_id, b_id] {
        let post = app.get_post(&ws, id, &editor).await;
        assert_eq!(
            (post["status"].as_str(), post["waiting_for"].as_str()),
            (Some("scheduled"), Some("queue_paused"))
        );
    }

    // Both come due (b's time is an hour later): nothing goes out while paused.
    let later = at(&b["schedule_at"]) + Duration::minutes(1);
    let report = app.scheduler.run_due_at(later).await.unwrap();
    assert_eq!(report.published, 0, "{report:?}");
    assert_eq!(posts_sent(&app.sim_stats()), 0);
    let held = app.get_post(&ws, a_id, &editor).await;
    assert_eq!(held["waiting_for"], "queue_paused");

    // a's time passes while paused; resuming moves it to the first free slot (not b's).
    app.backdate_schedule(&ws, a_id).await;
    let resumed = set_queue(&app, &ws, json!({"slots": hourly()["slots"], "paused": false})).await;
    assert_eq!(resumed["paused"], false);
    let a = app.get_post(&ws, a_id, &editor).await;
    let b = app.get_post(&ws, b_id, &editor).await;
    assert!(a["waiting_for"].is_null() && b["waiting_for"].is_null());
    assert!(at(&a["schedule_at"]) > Utc::now(), "moved to a future slot: {a}");
    assert_ne!(a["schedule_at"], b["schedule_at"]);
    let report = app.scheduler.run_due_at(later + Duration::hours(2)).await.unwrap();
    assert_eq!(report.published, 2, "{report:?}");
}

/// Next year: within the two years a post may be scheduled ahead.
fn next_year() -> i32 {
    use chrono::Datelike;
    Utc::now().year() + 1
}

async fn import(app: &TestApp, ws: &str, token: &str, query: &str, csv: &str) -> Reply {
    let url = format!("{}/api/workspaces/{ws}/posts/import{query}", app.url);
    let res = app
        .http
        .post(url)
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
}

async fn a_csv_import_with_a_bad_row_in_the_middle_creates_nothing_and_names_every_bad_field(
    app: TestApp,
) {
    let ws = app.create_workspace("plan-csv-bad", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let y = next_year();
    let csv = format!(
        "text,platforms,schedule_at,external_id\n\
         first,twitter,{y}-01-01 09:00,a\n\
         ,myspace,next tuesday,b\n\
         third,linkedin|facebook,{y}-01-02T09:00:00Z,c\n\
         fourth,twitter,2000-01-01 09:00,d\n"
    );
    let csv = csv.as_str();
    for query in ["?submit=true", "?submit=true&dry_run=true"] {
        let err = import(&app, &ws, &editor, query, csv).await.expect_error(422, "import_invalid");
        let rows: Vec<(u64, String)> = err["error"]["details"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["row"].as_u64().unwrap(), r["field"].as_str().unwrap().to_owned()))
            .collect();
        let want = [(2, "platforms"), (2, "schedule_at"), (4, "schedule_at")];
        assert_eq!(rows, want.map(|(r, f)| (r, f.to_owned())).to_vec(), "{err}");
    }
    assert!(app.all_posts(&ws).await.is_empty(), "all or nothing: no row was created");
    let viewer = app.token(&ws, "viewer").await;
    import(&app, &ws, &viewer, "", "text,platforms\nhello,twitter\n")
        .await
        .expect_error(403, "forbidden");
}

async fn a_csv_import_creates_every_row_once_and_a_reimport_skips_known_external_ids(app: TestApp) {
    let ws = app.create_workspace("plan-csv", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let patch = json!({"timezone": "Europe/Paris"});
    app.call(Method::PATCH, &format!("/api/workspaces/{ws}"), Some(ADMIN), Some(patch))
        .await
        .expect(200);
    set_queue(&app, &ws, hourly()).await;
    let y = next_year();
    let csv = format!(
        "text,platforms,schedule_at,media_urls,queue,external_id\n\
         \"Summer, at last\",twitter linkedin,{y}-07-01 09:00,,,s-1\n\
         from the queue,twitter,,,true,s-2\n\
         also queued,twitter,,,true,s-3\n"
    );
    let csv = csv.as_str();
    // A submitted row for a network the profile has not linked is refused like a post
    // (once Herald has read the profile's accounts).
    app.sim.sim.link(&profile_key("plan-csv"), &[ayrshare::Platform::Gmb], false).unwrap();
    app.linked_accounts(&ws).await;
    let unlinked = format!("text,platforms,schedule_at\nopening hours,gmb,{y}-03-01 09:00\n");
    let err = import(&app, &ws, &editor, "?submit=true", &unlinked).await;
    let err = err.expect_error(422, "import_invalid");
    assert_eq!(err["error"]["details"]["rows"][0]["row"], 1, "{err}");
    assert_eq!(err["error"]["details"]["rows"][0]["field"], "platforms", "{err}");
    let dry = import(&app, &ws, &editor, "?submit=true&dry_run=true", csv).await.expect(200);
    assert_eq!((dry["created"].as_u64(), dry["valid"].as_u64()), (Some(0), Some(3)));
    assert!(app.all_posts(&ws).await.is_empty(), "a dry run creates nothing");

    let done = import(&app, &ws, &editor, "?submit=true", csv).await.expect(201);
    assert_eq!(done["created"], 3, "{done}");
    let posts = done["posts"].as_array().unwrap();
    assert_eq!(posts[0]["text"], "Summer, at last");
    assert_eq!(posts[0]["platforms"], json!(["twitter", "linkedin"]));
    // 09:00 in Paris in July is 07:00 UTC.
    assert_eq!(posts[0]["schedule_at"], format!("{y}-07-01T07:00:00.000Z"));
    assert!(posts.iter().all(|p| p["status"] == "scheduled"));
    let (q1, q2) = (at(&posts[1]["schedule_at"]), at(&posts[2]["schedule_at"]));
    assert_eq!(q2 - q1, Duration::hours(1), "queued rows take consecutive free slots");

    let again = import(&app, &ws, &editor, "?submit=true", csv).await.expect(201);
    assert_eq!(again["created"], 0, "{again}");
    let skipped: Vec<&str> = again["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["external_id"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["s-1", "s-2", "s-3"]);
    assert_eq!(app.all_posts(&ws).await.len(), 3);

    // Drafts by default; a multipart upload reads the field `file`.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"text,platforms\na draft,twitter\n".to_vec()),
    );
    let url = format!("{}/api/workspaces/{ws}/posts/import", app.url);
    let res = app.http.post(url).bearer_auth(&editor).multipart(form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["posts"][0]["status"], "draft");
}

async fn a_csv_import_of_more_than_1000_rows_is_413(app: TestApp) {
    let ws = app.create_workspace("plan-csv-big", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let mut csv = String::from("text,platforms\n");
    for i in 0..1001 {
        csv.push_str(&format!("row {i},twitter\n"));
    }
    import(&app, &ws, &editor, "", &csv).await.expect_error(413, "payload_too_large");
    assert!(app.all_posts(&ws).await.is_empty());
    let fits: String = csv.lines().take(1001).map(|l| format!("{l}\n")).collect();
    let done = import(&app, &ws, &editor, "", &fits).await.expect(201);
    assert_eq!(done["created"], 1000);
}

/// An RSS 2.0 document of `items` (guid, title).
pub fn rss(items: &[(String, String)]) -> String {
    let body: String = items
        .iter()
        .map(|(guid, title)| {
            format!("<item><guid>{guid}</guid><title>{title}</title><link>https://blog.example.com/{guid}</link></item>")
        })
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Blog</title><link>https://blog.example.com/</link><description>d</description>{body}</channel></rss>")
}

/// Serves `doc` (changeable) at `http://127.0.0.1:PORT/feed.xml`.
pub async fn serve_feed(doc: Arc<Mutex<String>>) -> String {
    let app = axum::Router::new().route(
        "/feed.xml",
        get(move || {
            let doc = doc.clone();
            async move {
                let text = doc.lock().unwrap().clone();
                ([("content-type", "application/rss+xml")], text)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/feed.xml")
}

/// Waits (up to 20 s) until the workspace has `n` posts; its posts.
pub async fn wait_for_posts(app: &TestApp, ws: &str, n: usize) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let posts = app.all_posts(ws).await;
        if posts.len() >= n || tokio::time::Instant::now() > deadline {
            return posts;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn each_feed_item_becomes_one_draft(app: TestApp) {
    let ws = app.create_workspace("plan-feed", false, "expire").await;
    let items: Vec<(String, String)> =
        (1..=3).map(|i| (format!("guid-{i}"), format!("Item {i}"))).collect();
    let doc = Arc::new(Mutex::new(rss(&items)));
    let url = serve_feed(doc.clone()).await;
    let path = format!("/api/workspaces/{ws}/feeds");
    let body = json!({"url": url, "platforms": ["twitter"], "template": "New: {title} {link}"});
    let feed = app.call(Method::POST, &path, Some(ADMIN), Some(body)).await.expect(201);
    assert!(feed["last_checked_at"].is_null());
    let posts = wait_for_posts(&app, &ws, 3).await;
    assert_eq!(posts.len(), 3);
    assert!(posts.iter().all(|p| p["status"] == "draft"));
    assert!(posts.iter().any(|p| p["text"] == "New: Item 2 https://blog.example.com/guid-2"));

    // A new item: one more draft; the old ones are not made again.
    let mut more = items.clone();
    more.insert(0, ("guid-4".into(), "Item 4".into()));
    *doc.lock().unwrap() = rss(&more);
    let posts = wait_for_posts(&app, &ws, 4).await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(app.all_posts(&ws).await.len(), 4, "{posts:?}");

    // A broken feed keeps its reason, shown with the feed.
    *doc.lock().unwrap() = "this is not xml".into();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let listed = loop {
        let listed = app.call(Method::GET, &path, Some(ADMIN), None).await.expect(200);
        if listed[0]["last_error"].is_string() || tokio::time::Instant::now() > deadline {
            break listed;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        listed[0]["last_error"].as_str().unwrap().contains("not an RSS or Atom feed"),
        "{listed}"
    );
    let id = listed[0]["id"].as_str().unwrap();
    app.call(Method::DELETE, &format!("{path}/{id}"), Some(ADMIN), None).await;
    let listed = app.call(Method::GET, &path, Some(ADMIN), None).await.expect(200);
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn a_loopback_feed_is_422_url_not_allowed_unless_private_addresses_are_allowed() {
    let app = spawn_app_with(Options { feeds_allow_private: false, ..Default::default() }).await;
    let ws = app.create_workspace("plan-feed-ssrf", false, "expire").await;
    let url = serve_feed(Arc::new(Mutex::new(rss(&[])))).await;
    let path = format!("/api/workspaces/{ws}/feeds");
    for target in [url.as_str(), "http://localhost:9/feed.xml", "http://169.254.169.254/latest"] {
        let body = json!({"url": target, "platforms": ["twitter"]});
        let reply = app.call(Method::POST, &path, Some(ADMIN), Some(body)).await;
        reply.expect_error(422, "url_not_allowed");
    }
    let editor = app.token(&ws, "editor").await;
    let body = json!({"url": url, "platforms": ["twitter"]});
    app.call(Method::POST, &path, Some(&editor), Some(body)).await.expect_error(403, "forbidden");
}

#[tokio::test]
async fn a_fetch_refuses_private_addresses_by_name_or_literal_and_stops_at_the_size_cap() {
    use herald::services::plan::fetch::{FetchError, Fetcher};
    let url = serve_feed(Arc::new(Mutex::new("x".repeat(64 * 1024)))).await;
    let strict = Fetcher::new(false, 1024 * 1024).unwrap();
    let by_name = url.replace("127.0.0.1", "localhost");
    for target in [url.as_str(), by_name.as_str()] {
        let err = strict.fetch(target).await.unwrap_err();
        assert!(err.to_string().contains("url_not_allowed"), "{target}: {err}");
    }
    let small = Fetcher::new(true, 16 * 1024).unwrap();
    assert!(matches!(small.fetch(&url).await, Err(FetchError::TooLarge(_))));
    let roomy = Fetcher::new(true, 1024 * 1024).unwrap();
    assert_eq!(roomy.fetch(&url).await.unwrap().len(), 64 * 1024);
}
