//! Compose (API.md "Compose"): per-network text and first comments, alt text, checks on
//! each network's effective text naming the variant that fails, one Ayrshare request per
//! distinct text sending each network its own text exactly once (also when a claimer
//! died after sending part of it), re-approval after a compose change, and the
//! simulator refusing first comments Ayrshare refuses. Every scenario runs on SQLite
//! and on PostgreSQL.

use crate::api::people::on_both_backends;
use crate::support::*;
use chrono::{Duration, Utc};
use herald::coherence::publish::{claim, groups, marker};
use herald::foundation::domain::Post;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;

on_both_backends!(
    each_network_gets_its_own_text_and_first_comment_exactly_once,
    every_check_runs_on_each_networks_effective_text_and_names_the_variant,
    a_change_of_variant_first_comment_or_alt_text_needs_another_approver,
    a_claimer_that_died_after_sending_one_text_is_settled_without_resending_it,
);

/// The simulator's records of a workspace's profile, by network: (text, first comment).
pub async fn sent_by_network(
    app: &TestApp,
    ws_name: &str,
) -> BTreeMap<String, Vec<(String, Option<String>)>> {
    let mut by: BTreeMap<String, Vec<(String, Option<String>)>> = BTreeMap::new();
    for item in app.sim_history(ws_name).await {
        let text = item["post"].as_str().unwrap_or_default().to_owned();
        let comment = item["firstComment"]["comment"].as_str().map(str::to_owned);
        for p in item["platforms"].as_array().unwrap() {
            by.entry(p.as_str().unwrap().to_owned())
                .or_default()
                .push((text.clone(), comment.clone()));
        }
    }
    by
}

fn long_text(words: usize) -> String {
    (0..words).map(|i| format!("word{i}")).collect::<Vec<_>>().join(" ")
}

async fn each_network_gets_its_own_text_and_first_comment_exactly_once(app: TestApp) {
    let ws = app.create_workspace("variants", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let linkedin = format!("A longer LinkedIn story. {}", long_text(80));
    assert!(linkedin.chars().count() > 280);
    let body = json!({
        "text": linkedin, "platforms": ["linkedin", "twitter", "facebook"],
        "first_comment": "Sign up at example.com",
        "variants": {"twitter": {"text": "Short for X", "first_comment": "Thread below"}},
        "media": [{"url": "https://example.com/a.png", "alt_text": "Our logo"}],
    });
    let post = app.create_post(&ws, &editor, body).await.expect(201);
    assert_eq!(post["status"], "published", "{post}");
    assert_eq!(post["variants"]["twitter"]["text"], "Short for X");
    assert_eq!(post["first_comment"], "Sign up at example.com");
    assert_eq!(post["media_urls"], json!(["https://example.com/a.png"]));
    assert_eq!(post["media"][0]["alt_text"], "Our logo");
    assert_eq!(post["platform_results"].as_array().unwrap().len(), 3);

    let sent = sent_by_network(&app, "variants").await;
    let comment = |c: &str| Some(c.to_owned());
    assert_eq!(sent["twitter"], vec![("Short for X".to_owned(), comment("Thread below"))]);
    assert_eq!(sent["linkedin"], vec![(linkedin.clone(), comment("Sign up at example.com"))]);
    assert_eq!(sent["facebook"], vec![(linkedin, comment("Sign up at example.com"))]);
    assert_eq!(posts_sent(&app.sim_stats()), 2, "one request per distinct text");

    let read = app.get_post(&ws, post["id"].as_str().unwrap(), &editor).await;
    assert_eq!(read["variants"], post["variants"], "stored and read back");
    assert_eq!(read["media"], post["media"]);
}

async fn every_check_runs_on_each_networks_effective_text_and_names_the_variant(app: TestApp) {
    let ws = app.create_workspace("variant-checks", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let long = long_text(60);
    let field =
        |r: Reply| r.expect_error(422, "invalid_field")["error"]["details"]["field"].clone();
    let cases = [
        (json!({"text": long, "platforms": ["linkedin", "twitter"]}), "text"),
        (
            json!({"text": "hi", "platforms": ["linkedin", "twitter"],
                   "variants": {"twitter": {"text": long}}}),
            "variants.twitter.text",
        ),
        (
            json!({"text": "hi", "platforms": ["twitter"], "variants": {"facebook": {"text": "x"}}}),
            "variants.facebook",
        ),
        (
            json!({"text": "hi", "platforms": ["twitter"],
                   "variants": {"twitter": {"first_comment": long}}}),
            "variants.twitter.first_comment",
        ),
        (
            json!({"text": "hi", "platforms": ["twitter"], "media_urls": ["https://e.com/a.png"],
                   "media": [{"url": "https://e.com/a.png"}]}),
            "media",
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(field(app.create_post(&ws, &editor, body.clone()).await), expected, "{body}");
    }
    // A long text passes when X has its own short one.
    let body = json!({"text": long, "platforms": ["linkedin", "twitter"], "submit": false,
                      "variants": {"twitter": {"text": "short"}}});
    let post = app.create_post(&ws, &editor, body).await.expect(201);
    let id = post["id"].as_str().unwrap();
    let path = format!("/api/workspaces/{ws}/posts/{id}");
    let patch = json!({"version": 1, "variants": {"twitter": {"text": long}}});
    let r = app.call(Method::PATCH, &path, Some(&editor), Some(patch)).await;
    assert_eq!(field(r), "variants.twitter.text", "an edit is checked alike");
    let patch = json!({"version": 1, "platforms": ["linkedin"]});
    let r = app.call(Method::PATCH, &path, Some(&editor), Some(patch)).await;
    assert_eq!(field(r), "variants.twitter", "a network dropped with its variant still there");
    let after = app.get_post(&ws, id, &editor).await;
    assert_eq!((after["version"].as_i64(), &after["variants"]), (Some(1), &post["variants"]));
}

async fn a_change_of_variant_first_comment_or_alt_text_needs_another_approver(app: TestApp) {
    let ws = app.create_workspace("variant-approval", true, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let (ann, bob) = (app.token(&ws, "approver").await, app.token(&ws, "approver").await);
    let at = (Utc::now() + Duration::hours(2)).to_rfc3339();
    let body = json!({"text": "Launch day", "platforms": ["twitter", "linkedin"], "schedule_at": at,
                      "media": [{"url": "https://example.com/launch.png", "alt_text": "A rocket"}]});
    let post = app.create_post(&ws, &editor, body).await.expect(201);
    let id = post["id"].as_str().unwrap();
    let path = format!("/api/workspaces/{ws}/posts/{id}");
    let approved = app.act(&ws, id, "approve", &ann, json!({"version": 1})).await.expect(200);
    assert_eq!(approved["status"], "scheduled");

    let edits = [
        json!({"variants": {"twitter": {"text": "Launch day!"}}}),
        json!({"first_comment": "Details inside"}),
        json!({"media": [{"url": "https://example.com/launch.png", "alt_text": "A red rocket"}]}),
    ];
    let mut version = approved["version"].as_i64().unwrap();
    for edit in edits {
        let mut patch = edit.clone();
        patch["version"] = json!(version);
        let edited = app.call(Method::PATCH, &path, Some(&ann), Some(patch)).await.expect(200);
        assert_eq!(edited["status"], "pending_approval", "after {edit}");
        version = edited["version"].as_i64().unwrap();
        app.act(&ws, id, "approve", &ann, json!({"version": version}))
            .await
            .expect_error(403, "own_post");
        let again =
            app.act(&ws, id, "approve", &bob, json!({"version": version})).await.expect(200);
        assert_eq!(again["status"], "scheduled");
        version = again["version"].as_i64().unwrap();
    }
    let read = app.get_post(&ws, id, &editor).await;
    assert_eq!(read["media"][0]["alt_text"], "A red rocket");
    assert_eq!(read["first_comment"], "Details inside");
}

/// Claims `id` as an instance that then dies, its lease already over.
async fn claim_and_die(app: &TestApp, id: &str) -> Post {
    let id = id.to_owned();
    let crash = move |p: &Post| {
        (p.id == id).then(|| {
            let lease = std::time::Duration::from_secs(60);
            let action = herald::foundation::domain::AuditAction::Claim;
            let (mut next, event) = claim(p, None, lease, &"crashed-instance".into(), action);
            next.publish.lease_until = Some(Utc::now() - Duration::seconds(1));
            (next, event)
        })
    };
    let now = Utc::now() + Duration::hours(2);
    let due = herald::storage::store::DueQuery { workspace_id: None, now, limit: 10 };
    let claimed = app.store.claim_due(&due, &crash).await.unwrap();
    assert_eq!(claimed.len(), 1);
    claimed[0].post.clone()
}

async fn a_claimer_that_died_after_sending_one_text_is_settled_without_resending_it(app: TestApp) {
    let ws = app.create_workspace("variant-crash", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let at = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let body = json!({"text": "The long version for Facebook", "platforms": ["facebook", "twitter"],
                      "schedule_at": at, "variants": {"twitter": {"text": "X version"}}});
    let id =
        app.create_post(&ws, &editor, body).await.expect(201)["id"].as_str().unwrap().to_owned();
    app.backdate_schedule(&ws, &id).await;
    let claimed = claim_and_die(&app, &id).await;
    let requests = groups(&claimed, claimed.publish.key.as_deref().unwrap());
    assert_eq!(requests.len(), 2);
    // The dead instance got the first request (Facebook's text) through.
    let first = &requests[0];
    let req = ayrshare::PostRequest {
        post: first.text.clone(),
        platforms: first.platforms.iter().map(|p| p.to_string()).collect(),
        notes: Some(marker(&first.key)),
        idempotency_key: Some(first.key.clone()),
        ..Default::default()
    };
    app.sim_client().post(app.sim_profile_of("variant-crash").profile(), &req).await.unwrap();

    let report = app.scheduler.run_once().await.unwrap();
    assert_eq!(report.published, 1, "{report:?}");
    let post = app.get_post(&ws, &id, &editor).await;
    assert_eq!(post["status"], "published", "{post}");
    let sent = sent_by_network(&app, "variant-crash").await;
    assert_eq!(sent["facebook"].len(), 1, "Facebook's text was not sent again");
    assert_eq!(sent["twitter"], vec![("X version".to_owned(), None)]);
    assert_eq!(posts_sent(&app.sim_stats()), 2);
}

/// POSTs a raw body to the simulator's `/post`.
async fn sim_post(app: &TestApp, profile: &str, body: Value) -> (u16, Value) {
    let res = app
        .http
        .post(format!("{}/post", app.sim.base_url()))
        .bearer_auth(SIM_KEY)
        .header(ayrshare_sim::PROFILE_KEY_HEADER, profile_key(profile))
        .header(ayrshare::X_API_KEY_HEADER, X_KEY)
        .header(ayrshare::X_API_SECRET_HEADER, X_SECRET)
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_simulator_refuses_first_comments_ayrshare_refuses() {
    let app = spawn_app().await;
    app.create_workspace("sim-comments", false, "expire").await;
    let refused = [
        json!({"post": "a", "platforms": ["facebook"], "firstComment": "a bare string"}),
        json!({"post": "b", "platforms": ["facebook"], "firstComment": {"comment": "  "}}),
        json!({"post": "c", "platforms": ["facebook"], "firstComment": {"text": "no comment"}}),
        json!({"post": "d", "platforms": ["facebook"],
               "firstComment": {"comment": "x", "mediaUrls": "https://e.com/a.png"}}),
    ];
    for body in refused {
        let (status, answer) = sim_post(&app, "sim-comments", body.clone()).await;
        assert_eq!(status, 400, "{body} → {answer}");
    }
    // On X the first comment is a reply: the tweet limit holds for it.
    let long = json!({"post": "e", "platforms": ["twitter", "facebook"],
                      "firstComment": {"comment": "y".repeat(281)}});
    let (status, answer) = sim_post(&app, "sim-comments", long).await;
    let answer = if answer["posts"].is_array() { answer["posts"][0].clone() } else { answer };
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["errors"][0]["platform"], "twitter");
    assert_eq!(answer["errors"][0]["code"], ayrshare_sim::TWEET_TOO_LONG_CODE);
    assert_eq!(answer["postIds"][0]["platform"], "facebook", "the other network still took it");
    let ok = json!({"post": "f", "platforms": ["twitter"], "firstComment": {"comment": "more"}});
    assert_eq!(sim_post(&app, "sim-comments", ok).await.0, 200);
    let history = app.sim_history("sim-comments").await;
    assert!(history.iter().any(|i| i["firstComment"]["comment"] == "more"));
}
