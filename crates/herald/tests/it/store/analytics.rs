//! Scenarios for analytics: figures never go back in time, are listed by their post's
//! time, and are refreshed by one claimer at a time; the freshness monitor's figures are
//! summed over instances.

use crate::store::harness::{event, post, workspace};
use chrono::{DateTime, Duration, Utc};
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::Workspace;
use herald::foundation::domain::{
    AccountMetrics, Metric, Metrics, PostMetrics, PostStatus, RefreshTarget,
};
use herald::storage::store::{FreshnessFigures, Storage};
use std::collections::HashSet;
use std::sync::Arc;

const LEASE: std::time::Duration = std::time::Duration::from_secs(60);

fn figures(likes: f64) -> Metrics {
    [(Metric::Likes, likes), (Metric::Impressions, likes * 10.0)].into()
}

fn target(
    ws: &Workspace,
    ayrshare_id: &str,
    platform: &str,
    posted_at: DateTime<Utc>,
) -> RefreshTarget {
    RefreshTarget {
        workspace_id: ws.id.clone(),
        post_id: None,
        ayrshare_id: ayrshare_id.into(),
        platform: platform.into(),
        posted_at,
    }
}

fn reading(t: &RefreshTarget, likes: f64, as_of: DateTime<Utc>) -> PostMetrics {
    PostMetrics {
        workspace_id: t.workspace_id.clone(),
        post_id: t.post_id.clone(),
        ayrshare_id: t.ayrshare_id.clone(),
        platform: t.platform.clone(),
        posted_at: t.posted_at,
        metrics: figures(likes),
        as_of,
        next_refresh_at: Some(as_of + Duration::hours(1)),
    }
}

async fn new_workspace(store: &dyn Storage, name: &str) -> Workspace {
    let ws = workspace(name);
    store.create_workspace(&ws).await.unwrap();
    ws
}

pub async fn post_figures_never_go_back_an_older_reading_arriving_late_is_ignored(
    store: Arc<dyn Storage>,
) {
    let ws = new_workspace(&*store, "Acme").await;
    let now = now_ms();
    let mut p = post(&ws, PostStatus::Published, &["twitter"]);
    p.published_at = Some(now - Duration::days(1));
    store.insert_post(&p, &event("create", None)).await.unwrap();
    let t =
        RefreshTarget { post_id: Some(p.id.clone()), ..target(&ws, "ayr-1", "twitter", p.time()) };
    let (earlier, later) = (now - Duration::hours(2), now - Duration::hours(1));

    assert_eq!(store.save_post_metrics(&[reading(&t, 5.0, earlier)]).await.unwrap(), 1);
    let newer = reading(&t, 9.0, later);
    assert_eq!(store.save_post_metrics(std::slice::from_ref(&newer)).await.unwrap(), 1);
    let late = reading(&t, 7.0, earlier + Duration::minutes(30));
    assert_eq!(store.save_post_metrics(&[late]).await.unwrap(), 0, "older: ignored");
    assert_eq!(
        store.save_post_metrics(std::slice::from_ref(&newer)).await.unwrap(),
        0,
        "as new: ignored"
    );
    let window = (now - Duration::days(2), now);
    let listed = store.post_metrics(&ws.id, window.0, window.1).await.unwrap();
    assert_eq!(listed, [newer]);
    let texts = store.post_texts_of_metrics(&ws.id, window.0, window.1).await.unwrap();
    assert_eq!(texts, [(p.id.clone(), p.text.clone())].into());
    let before = store.post_texts_of_metrics(&ws.id, window.0 - Duration::days(9), window.0);
    assert!(before.await.unwrap().is_empty(), "only the posts with figures in the window");

    let acct = |followers, as_of| AccountMetrics {
        workspace_id: ws.id.clone(),
        platform: "twitter".into(),
        metrics: [(Metric::Followers, followers)].into(),
        as_of,
    };
    assert_eq!(store.save_account_metrics(&[acct(100.0, later)]).await.unwrap(), 1);
    assert_eq!(store.save_account_metrics(&[acct(90.0, earlier)]).await.unwrap(), 0, "older");
    assert_eq!(store.account_metrics(&ws.id).await.unwrap(), [acct(100.0, later)]);
    assert_eq!(store.save_account_metrics(&[acct(120.0, now)]).await.unwrap(), 1);
    assert_eq!(store.account_metrics(&ws.id).await.unwrap(), [acct(120.0, now)]);
}

pub async fn post_figures_are_listed_by_post_time_in_the_window_with_their_as_of(
    store: Arc<dyn Storage>,
) {
    let (ws, other) =
        (new_workspace(&*store, "Acme").await, new_workspace(&*store, "Globex").await);
    let now = now_ms();
    let day = |d: i64| now - Duration::days(d);
    let readings = [
        reading(&target(&ws, "ayr-3", "twitter", day(3)), 1.0, now),
        reading(&target(&ws, "ayr-1", "linkedin", day(5)), 2.0, day(1)),
        reading(&target(&ws, "ayr-1", "twitter", day(5)), 3.0, now),
        reading(&target(&ws, "ayr-9", "twitter", day(9)), 4.0, now),
        reading(&target(&other, "ayr-4", "twitter", day(4)), 5.0, now),
    ];
    assert_eq!(store.save_post_metrics(&readings).await.unwrap(), 5);
    store.schedule_refresh(&[target(&ws, "ayr-5", "twitter", day(4))], now).await.unwrap();

    let listed = store.post_metrics(&ws.id, day(6), day(3)).await.unwrap();
    assert_eq!(listed, [readings[1].clone(), readings[2].clone()], "by time, no figures no row");
    let all = store.post_metrics(&ws.id, day(30), now).await.unwrap();
    assert_eq!(all.len(), 4);
    assert!(store.account_metrics(&ws.id).await.unwrap().is_empty());
}

pub async fn a_posts_figures_are_its_own_by_network_once_read(store: Arc<dyn Storage>) {
    let (ws, other) =
        (new_workspace(&*store, "Acme").await, new_workspace(&*store, "Globex").await);
    let now = now_ms();
    let (mut mine, mut theirs) = (
        post(&ws, PostStatus::Published, &["twitter"]),
        post(&other, PostStatus::Published, &["twitter"]),
    );
    mine.published_at = Some(now);
    theirs.published_at = Some(now);
    store.insert_post(&mine, &event("create", None)).await.unwrap();
    store.insert_post(&theirs, &event("create", None)).await.unwrap();
    let of = |ws: &Workspace, post: &str, platform: &str| RefreshTarget {
        post_id: Some(post.into()),
        ..target(ws, &format!("ayr-{post}"), platform, now)
    };
    let readings = [
        reading(&of(&ws, &mine.id, "twitter"), 1.0, now),
        reading(&of(&ws, &mine.id, "linkedin"), 2.0, now - Duration::hours(1)),
        reading(&of(&other, &theirs.id, "twitter"), 3.0, now),
    ];
    store.save_post_metrics(&readings).await.unwrap();
    let unread = RefreshTarget { platform: "facebook".into(), ..of(&ws, &mine.id, "twitter") };
    store.schedule_refresh(&[unread], now).await.unwrap();

    let figures = store.figures_of_post(&ws.id, &mine.id).await.unwrap();
    assert_eq!(figures, [readings[1].clone(), readings[0].clone()], "by network, read ones only");
    assert!(store.figures_of_post(&ws.id, &theirs.id).await.unwrap().is_empty(), "not its post");
    assert!(store.figures_of_post(&ws.id, "no-such-post").await.unwrap().is_empty());
}

pub async fn refreshes_are_claimed_when_due_earliest_first_and_held_until_released(
    store: Arc<dyn Storage>,
) {
    let ws = new_workspace(&*store, "Acme").await;
    let now = now_ms();
    let posted = now - Duration::hours(3);
    let (a, b, c) = (
        target(&ws, "ayr-a", "twitter", posted),
        target(&ws, "ayr-b", "twitter", posted),
        target(&ws, "ayr-b", "linkedin", posted),
    );
    // A publish schedules the first refresh, before there are figures.
    store.schedule_refresh(&[b.clone(), c.clone()], now - Duration::minutes(5)).await.unwrap();
    store.schedule_refresh(std::slice::from_ref(&a), now - Duration::minutes(10)).await.unwrap();
    let later = target(&ws, "ayr-later", "twitter", posted);
    store.schedule_refresh(&[later], now + Duration::minutes(1)).await.unwrap();

    let first = store.claim_refreshes(now, LEASE, 2).await.unwrap();
    assert_eq!(first, [a.clone(), c.clone()], "earliest due first, then by id and platform");
    let second = store.claim_refreshes(now, LEASE, 10).await.unwrap();
    assert_eq!(second, std::slice::from_ref(&b), "claimed ones are held");
    assert!(store
        .claim_refreshes(now + Duration::seconds(59), LEASE, 10)
        .await
        .unwrap()
        .is_empty());

    // Saving figures releases the claim and sets the next refresh; so does rescheduling.
    let mut fresh = reading(&a, 3.0, now);
    fresh.next_refresh_at = Some(now + Duration::hours(6));
    store.save_post_metrics(&[fresh]).await.unwrap();
    store.schedule_refresh(std::slice::from_ref(&c), now + Duration::seconds(30)).await.unwrap();
    let later = target(&ws, "ayr-later", "twitter", posted);
    let lapsed = store.claim_refreshes(now + Duration::seconds(60), LEASE, 10).await.unwrap();
    assert_eq!(lapsed, [b.clone(), c.clone(), later.clone()], "b's claim lapsed");
    store.schedule_refresh(&[b, c, later], now + Duration::days(1)).await.unwrap();
    assert_eq!(store.claim_refreshes(now + Duration::hours(6), LEASE, 10).await.unwrap(), [a]);
}

pub async fn concurrent_refresh_claimers_claim_each_of_60_targets_once(store: Arc<dyn Storage>) {
    let ws = new_workspace(&*store, "Acme").await;
    let now = now_ms();
    let targets: Vec<RefreshTarget> = (0..60)
        .map(|i| {
            target(
                &ws,
                &format!("ayr-{i}"),
                ["twitter", "linkedin"][i % 2],
                now - Duration::days(1),
            )
        })
        .collect();
    store.schedule_refresh(&targets, now - Duration::minutes(1)).await.unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch =
                        store.claim_refreshes(now, LEASE, 5).await.expect("claim_refreshes");
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|t| (t.ayrshare_id, t.platform)));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let unique: HashSet<&(String, String)> = all.iter().collect();
    assert_eq!((unique.len(), all.len()), (60, 60), "each target claimed once");
}

pub async fn freshness_figures_are_summed_over_instances_and_replaced_per_instance(
    store: Arc<dyn Storage>,
) {
    assert_eq!(store.freshness_totals().await.unwrap(), None, "no instance saved figures");
    let (early, late) = (Utc::now() - Duration::hours(1), Utc::now());
    let early =
        herald::foundation::domain::model::from_ms(herald::foundation::domain::model::to_ms(early));
    let figures = |checked, violations, since| FreshnessFigures { checked, violations, since };
    store.save_freshness("a", &figures(3, 0, late)).await.unwrap();
    store.save_freshness("b", &figures(5, 1, early)).await.unwrap();
    store.save_freshness("a", &figures(7, 2, late)).await.unwrap(); // a's totals, replaced
    let totals = store.freshness_totals().await.unwrap().unwrap();
    assert_eq!((totals.checked, totals.violations, totals.since), (12, 3, early));
}
