//! Ayrshare history calls per change that touched Ayrshare, for the versioned cache and
//! the delete-after-write baseline, with 16 readers reading the dashboard throughout
//! (simulator at 150 ms latency and 2 s history lag; 20 publishes 300 ms apart).

use super::app;
use herald::gate::dashboard::Strategy;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

async fn calls_per_change(strategy: Strategy) -> (u64, u64) {
    let sim = ayrshare_sim::SimConfig {
        latency: Duration::from_millis(150),
        history_lag: Duration::from_secs(2),
        ..Default::default()
    };
    let h = app::start(strategy, None, sim).await;
    let (ws, token) = h.workspace("calls").await;
    let url = format!("{}/api/workspaces/{ws}/history", h.url);
    h.http.get(&url).bearer_auth(&token).send().await.unwrap();
    let fetches =
        |h: &app::Herald| h.sim.sim.stats().requests.get("GET /api/history").copied().unwrap_or(0);
    let before = fetches(&h);
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..16)
        .map(|_| {
            let (http, url, token, stop) =
                (h.http.clone(), url.clone(), token.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let _ = http.get(&url).bearer_auth(&token).send().await.map(|r| r.bytes());
                }
            })
        })
        .collect();
    let changes = 20;
    for i in 0..changes {
        h.post(&ws, &token, format!("published change {i}"), true).await;
        tokio::time::sleep(Duration::from_millis(300)).await; // pacing of the load, not a wait
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        let _ = r.await;
    }
    (changes, fetches(&h) - before)
}

pub async fn table() {
    println!("\n## Ayrshare history calls per change touching Ayrshare (16 readers, 150 ms latency, 2 s history lag)\n");
    println!("| strategy | changes | history calls | calls per change |");
    println!("|---|---|---|---|");
    for (name, strategy) in
        [("versioned", Strategy::Versioned), ("delete-after-write", Strategy::DeleteAfterWrite)]
    {
        let (changes, calls) = calls_per_change(strategy).await;
        println!("| {name} | {changes} | {calls} | {:.2} |", calls as f64 / changes as f64);
    }
}
