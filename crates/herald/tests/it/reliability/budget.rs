//! The dashboard's Ayrshare read budget, driven to its bound with no fault injected: one
//! profile publishes 150 posts one after another and the dashboard is read after each
//! publish (each publish invalidates the profile's history, so 150 fills are wanted)
//! while two more readers read continuously. Herald must stop at the read share of the
//! profile's Ayrshare budget (a fifth) in history reads, keep answering every read with 200 (labelled `cached` once the budget is
//! spent, never `fresh` from nowhere), and stay within Ayrshare's limit per profile.

use crate::reliability::checks::*;
use crate::reliability::faults::max_counted_in_window;
use crate::support::recorded::Call;
use crate::support::requests::sim_history;
use crate::support::*;
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

const POSTS: usize = 150;

async fn read(app: &TestApp, ws: &str, token: &str) -> (u16, String) {
    let r = app
        .call(Method::GET, &format!("/api/workspaces/{ws}/history?limit=20"), Some(token), None)
        .await;
    (r.status.as_u16(), r.body["upstream"].as_str().unwrap_or("<none>").to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_dashboard_spends_at_most_read_budget_history_calls_per_profile_and_keeps_answering_once_it_is_spent(
) {
    let app = Arc::new(spawn_app().await);
    let limit = app.sim.sim.config().rate_limit.max as usize;
    let read_budget = app.budget.read_share() as usize;
    let ws = app.create_workspace("budget", false, "expire").await;
    let (editor, viewer) = (app.token(&ws, "editor").await, app.token(&ws, "viewer").await);
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (app, ws, viewer, stop) = (app.clone(), ws.clone(), viewer.clone(), stop.clone());
            tokio::spawn(async move {
                let mut reads = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    reads.push(read(&app, &ws, &viewer).await);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                reads
            })
        })
        .collect();
    let mut reads = Vec::new();
    for i in 0..POSTS {
        let post = app
            .create_post(
                &ws,
                &editor,
                json!({"text": format!("budget post {i}"), "platforms": ["twitter"]}),
            )
            .await
            .expect(201);
        assert_eq!(post["status"], "published", "no fault is injected here");
        reads.push(read(&app, &ws, &viewer).await);
    }
    let after_budget = reads.last().cloned().unwrap();
    stop.store(true, Ordering::SeqCst);
    for r in readers {
        reads.extend(r.await.unwrap());
    }
    let calls = app.sim.recorder.calls();
    let mine: Vec<&Call> = calls.iter().filter(|c| c.profile == profile_key("budget")).collect();
    let history = mine.iter().filter(|c| c.route == "GET /api/history").count();
    // Reading the linked accounts (for validation) is a read too.
    let user = mine.iter().filter(|c| c.route == "GET /api/user").count();

    assert!(
        reads.iter().all(|(s, _)| *s == 200),
        "every dashboard read answers 200: {:?}",
        reads.iter().filter(|(s, _)| *s != 200).take(5).collect::<Vec<_>>()
    );
    assert!(
        history + user <= read_budget,
        "{history} history and {user} account reads for one profile; the read share is {read_budget}"
    );
    assert_eq!(history + user, read_budget, "the scenario no longer drives the dashboard to its budget ({POSTS} publishes each wanting a fill)");
    assert_eq!(
        after_budget.1, "cached",
        "once the budget is spent the dashboard answers from its last good copy, labelled cached"
    );
    let (most, allowed) = max_counted_in_window(&mine, app.sim.sim.config().rate_limit.window);
    assert_eq!(allowed, 0, "no fault was injected");
    assert!(
        most <= limit,
        "{most} Ayrshare calls for one profile in a 5-minute window; Ayrshare allows {limit}"
    );
    let on_ayrshare = texts_on_ayrshare(
        &sim_history(&app.http, &app.sim.base_url(), &profile_key("budget")).await,
    );
    assert!(
        on_ayrshare.len() == POSTS && on_ayrshare.values().all(|n| *n == 1),
        "each post on Ayrshare once"
    );

    let mut labels: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, u) in &reads {
        *labels.entry(u.as_str()).or_default() += 1;
    }
    println!(
        "FIGURE budget: {POSTS} publishes on one profile, {} dashboard reads all 200 ({labels:?}); Ayrshare history reads {history} + account reads {user} = read share {read_budget}; Ayrshare calls in the 5-minute window {most} <= {limit}",
        reads.len()
    );
}
