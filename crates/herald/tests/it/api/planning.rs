//! Planning (API.md "Planning, collaboration and analytics"): the post list's text
//! search, filters and sorts, and the calendar's days in the workspace's zone across a
//! daylight-saving change. Bad parameters are 422 `invalid_field` naming the parameter,
//! as for every field of the API. Every scenario runs on SQLite and on PostgreSQL.

use crate::api::people::on_both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};

on_both_backends!(
    search_and_filters_return_exactly_the_matching_posts_in_the_order_asked,
    bad_list_parameters_are_422_naming_the_parameter,
    calendar_days_are_the_workspace_zone_s_dates_across_a_daylight_saving_change,
    a_calendar_window_is_required_and_at_most_62_days,
    a_draft_may_carry_a_past_date_but_is_submitted_only_with_a_future_one,
);

/// The ids of the posts a listing query returns (all pages).
async fn ids(app: &TestApp, ws: &str, token: &str, query: &str) -> Vec<String> {
    let (mut out, mut cursor) = (Vec::new(), String::new());
    loop {
        let path = format!("/api/workspaces/{ws}/posts?limit=2&{query}{cursor}");
        let page = app.call(Method::GET, &path, Some(token), None).await.expect(200);
        out.extend(
            page["posts"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return out,
        }
    }
}

async fn draft(
    app: &TestApp,
    ws: &str,
    token: &str,
    text: &str,
    platforms: &[&str],
    at: &str,
) -> String {
    let body = json!({"text": text, "platforms": platforms, "schedule_at": at, "submit": false});
    let post = app.create_post(ws, token, body).await.expect(201);
    post["id"].as_str().unwrap().to_owned()
}

async fn search_and_filters_return_exactly_the_matching_posts_in_the_order_asked(app: TestApp) {
    let ws = app.create_workspace("planning-search", true, "expire").await;
    let (editor_id, editor) = app.token_with_id(&ws, "editor").await;
    let other = app.token(&ws, "editor").await;
    let spring = draft(
        &app,
        &ws,
        &editor,
        "Spring sale starts Monday",
        &["twitter"],
        "2027-03-02T09:00:00Z",
    )
    .await;
    let summer =
        draft(&app, &ws, &other, "Summer SALE: sandals", &["linkedin"], "2027-06-01T09:00:00Z")
            .await;
    let winter = draft(
        &app,
        &ws,
        &editor,
        "Winter opening hours",
        &["twitter", "linkedin"],
        "2027-01-05T09:00:00Z",
    )
    .await;
    let salesman =
        draft(&app, &ws, &other, "Meet our salesman", &["facebook"], "2027-04-01T09:00:00Z").await;

    let got = |q: &'static str| {
        let (app, ws, editor) = (&app, &ws, &editor);
        async move { ids(app, ws, editor, q).await }
    };
    assert_eq!(
        got("q=sale").await,
        [salesman.clone(), summer.clone(), spring.clone()],
        "whole words any case, last word a prefix; newest first"
    );
    assert_eq!(got("q=sale%20starts").await, [spring.as_str()], "every word must be there");
    assert_eq!(got("q=%2B%2B%2B").await.len(), 4, "a query without words filters nothing");
    assert_eq!(got("platform=linkedin").await, [winter.clone(), summer.clone()]);
    assert_eq!(
        got(Box::leak(format!("author=token:{editor_id}").into_boxed_str())).await,
        [winter.clone(), spring.clone()]
    );
    assert_eq!(
        got("from=2027-03-01T00:00:00Z&to=2027-05-01T00:00:00Z&sort=schedule_at").await,
        [spring.clone(), salesman.clone()]
    );
    assert_eq!(
        got("sort=schedule_at").await,
        [winter.clone(), spring.clone(), salesman.clone(), summer.clone()],
        "what goes out next first, across pages"
    );
    assert_eq!(
        got("status=draft&platform=twitter&q=winter").await,
        [winter.as_str()],
        "filters combine"
    );
    assert!(got("status=scheduled").await.is_empty());
}

async fn bad_list_parameters_are_422_naming_the_parameter(app: TestApp) {
    let ws = app.create_workspace("planning-bad", true, "expire").await;
    let token = app.token(&ws, "viewer").await;
    for (query, field) in [
        ("sort=newest", "sort"),
        ("platform=myspace", "platform"),
        ("from=yesterday", "from"),
        ("from=2031-01-02T00:00:00Z&to=2031-01-01T00:00:00Z", "to"),
        ("sort=schedule_at&cursor=1700000000000.abc", "cursor"),
        ("limit=0", "limit"),
    ] {
        let res = app
            .call(Method::GET, &format!("/api/workspaces/{ws}/posts?{query}"), Some(&token), None)
            .await;
        let body = res.expect_error(422, "invalid_field");
        assert_eq!(body["error"]["details"]["field"], field, "{query}: {body}");
    }
}

fn day<'a>(calendar: &'a Value, date: &str) -> Vec<&'a str> {
    let days = calendar["days"].as_array().unwrap();
    let day = days
        .iter()
        .find(|d| d["date"] == date)
        .unwrap_or_else(|| panic!("no {date} in {calendar}"));
    day["posts"].as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap()).collect()
}

async fn calendar_days_are_the_workspace_zone_s_dates_across_a_daylight_saving_change(
    app: TestApp,
) {
    let ws = app.create_workspace("planning-dst", true, "expire").await;
    let patch = json!({"timezone": "Europe/Paris"});
    app.call(Method::PATCH, &format!("/api/workspaces/{ws}"), Some(ADMIN), Some(patch))
        .await
        .expect(200);
    let editor = app.token(&ws, "editor").await;
    // Paris moves from +01:00 to +02:00 at 01:00 UTC on Sunday 28 March 2027.
    draft(&app, &ws, &editor, "just after midnight CET", &["twitter"], "2027-03-27T23:30:00Z")
        .await;
    draft(&app, &ws, &editor, "late evening CEST", &["twitter"], "2027-03-28T21:30:00Z").await;
    draft(&app, &ws, &editor, "just after midnight CEST", &["twitter"], "2027-03-28T22:30:00Z")
        .await;
    draft(&app, &ws, &editor, "Saturday night", &["twitter"], "2027-03-27T22:30:00Z").await;

    let path =
        format!("/api/workspaces/{ws}/calendar?from=2027-03-27T23:00:00Z&to=2027-03-29T22:00:00Z");
    let calendar = app.call(Method::GET, &path, Some(&editor), None).await.expect(200);
    assert_eq!(calendar["timezone"], "Europe/Paris");
    let dates: Vec<&str> =
        calendar["days"].as_array().unwrap().iter().map(|d| d["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2027-03-28", "2027-03-29"], "the window is two whole local days");
    assert_eq!(
        day(&calendar, "2027-03-28"),
        ["just after midnight CET", "late evening CEST"],
        "a 23-hour day, by time"
    );
    assert_eq!(day(&calendar, "2027-03-29"), ["just after midnight CEST"]);
}

async fn a_calendar_window_is_required_and_at_most_62_days(app: TestApp) {
    let ws = app.create_workspace("planning-window", true, "expire").await;
    let viewer = app.token(&ws, "viewer").await;
    for (query, field) in [
        ("to=2031-01-02T00:00:00Z", "from"),
        ("from=2031-01-01T00:00:00Z", "to"),
        ("from=2031-01-01T00:00:00Z&to=2031-03-05T00:00:00Z", "to"),
        ("from=2031-01-02T00:00:00Z&to=2031-01-01T00:00:00Z", "to"),
    ] {
        let res = app
            .call(
                Method::GET,
                &format!("/api/workspaces/{ws}/calendar?{query}"),
                Some(&viewer),
                None,
            )
            .await;
        assert_eq!(
            res.expect_error(422, "invalid_field")["error"]["details"]["field"],
            field,
            "{query}"
        );
    }
    let ok =
        format!("/api/workspaces/{ws}/calendar?from=2031-01-01T00:00:00Z&to=2031-03-04T00:00:00Z");
    let calendar = app.call(Method::GET, &ok, Some(&viewer), None).await.expect(200);
    assert_eq!(calendar["days"].as_array().unwrap().len(), 62);
}

async fn a_draft_may_carry_a_past_date_but_is_submitted_only_with_a_future_one(app: TestApp) {
    let ws = app.create_workspace("planning-past", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let past = "2026-01-05T09:00:00Z";
    let id = draft(&app, &ws, &editor, "Last year's launch, reworked", &["twitter"], past).await;
    let submitted = json!({"text": "x", "platforms": ["twitter"], "schedule_at": past});
    app.create_post(&ws, &editor, submitted).await.expect_error(422, "invalid_field");
    let post = app.get_post(&ws, &id, &editor).await;
    let submit = app.act(&ws, &id, "submit", &editor, json!({"version": post["version"]})).await;
    assert_eq!(
        submit.expect_error(422, "invalid_field")["error"]["details"]["field"],
        "schedule_at"
    );
    let later = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let path = format!("/api/workspaces/{ws}/posts/{id}");
    let body = json!({"version": post["version"], "schedule_at": later});
    let edited = app.call(Method::PATCH, &path, Some(&editor), Some(body)).await.expect(200);
    let submit = app.act(&ws, &id, "submit", &editor, json!({"version": edited["version"]})).await;
    assert_eq!(submit.expect(200)["status"], "pending_approval");
}
