//! Per-network texts under faults: twenty posts, each with a LinkedIn text and an X text
//! of its own (two Ayrshare requests per post), come due while the simulator fails 30 %
//! of calls with a 500 and holds back the answers of some publishes past Herald's client
//! timeout (they went through, Herald does not know). Time is advanced past leases until
//! nothing is left publishing. Property: each network got its own text exactly once (no
//! request sent twice, none lost), and every post ends `published`. On both backends.

use crate::api::compose::sent_by_network;
use crate::support::*;
use chrono::{Duration, Utc};
use serde_json::json;
use std::collections::BTreeMap;

const POSTS: usize = 20;

fn options() -> Options {
    Options { ayrshare_timeout_ms: 300, lease_secs: 2, backoff_ms: 10, ..Options::default() }
}

mod under_errors_and_late_replies_each_network_gets_its_own_text_exactly_once {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        super::scenario(spawn_app_with(options()).await).await;
    }

    #[tokio::test]
    async fn postgres() {
        let test = concat!(module_path!(), "::postgres");
        let Some(db) = test_database_url(test).await else { return };
        super::scenario(spawn_app_with(Options { database: Some(db), ..options() }).await).await;
    }
}

async fn scenario(app: TestApp) {
    let ws = app.create_workspace("variants-faults", false, "expire").await;
    let editor = app.token(&ws, "editor").await;
    let at = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let mut ids = Vec::new();
    for i in 0..POSTS {
        let body = json!({"text": format!("LinkedIn story number {i}"), "platforms": ["linkedin", "twitter"],
                          "schedule_at": at, "variants": {"twitter": {"text": format!("X {i}")}}});
        let id = app.create_post(&ws, &editor, body).await.expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.backdate_schedule(&ws, &id).await;
        ids.push(id);
    }
    app.sim.sim.update_config(|c| c.error_rate = 0.3);
    app.sim.recorder.set_late_replies(true);
    app.scheduler.run_once().await.unwrap();
    app.sim.recorder.set_late_replies(false);
    let mut rounds = 0;
    loop {
        rounds += 1;
        if rounds == 6 {
            app.sim.sim.update_config(|c| c.error_rate = 0.0);
        }
        let later = Utc::now() + Duration::from_std(app.lease).unwrap() + Duration::seconds(1);
        app.scheduler.run_due_at(later).await.unwrap();
        let mut open = 0;
        for id in &ids {
            open += (app.get_post(&ws, id, &editor).await["status"] == "publishing") as usize;
        }
        if open == 0 || rounds == 30 {
            break;
        }
    }
    app.sim.sim.update_config(|c| c.error_rate = 0.0);
    let calls = app.sim.recorder.calls();
    let (late, errors) = (
        calls.iter().filter(|c| c.late_reply && c.status == Some(200)).count(),
        calls.iter().filter(|c| c.is_error()).count(),
    );
    println!("variants under faults: {POSTS} posts, {late} late replies, {errors} errors, {rounds} rounds");
    assert!(late > 0 && errors > 0, "the faults happened: {late} late, {errors} errors");
    for id in &ids {
        let post = app.get_post(&ws, id, &editor).await;
        assert_eq!(post["status"], "published", "{post}");
    }
    let sent = sent_by_network(&app, "variants-faults").await;
    let count = |p: &str| {
        let mut by: BTreeMap<String, usize> = BTreeMap::new();
        for (text, _) in &sent[p] {
            *by.entry(text.clone()).or_default() += 1;
        }
        by
    };
    let (linkedin, twitter) = (count("linkedin"), count("twitter"));
    assert_eq!((linkedin.len(), twitter.len()), (POSTS, POSTS), "none lost");
    assert!(
        linkedin.values().chain(twitter.values()).all(|&n| n == 1),
        "none twice: {linkedin:?} {twitter:?}"
    );
    assert!(
        linkedin.keys().all(|t| t.starts_with("LinkedIn"))
            && twitter.keys().all(|t| t.starts_with("X "))
    );
}
