//! The freshness and single-flight specs every tier must meet. Each takes the harness
//! built for one tier; `tests/cache.rs` runs each on the local and the Redis tier.

use std::sync::Arc;

use herald_cache::{Cache, CacheConfig, Lookup, Source};
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

use crate::support::{drop_signals, dropped, gated, tags, within, Fill, FillCount, Harness};

type Read = Result<Lookup<String>, Arc<String>>;

/// Starts `get_or_fill(key, tags, fill)` on its own task.
fn spawn_read(
    cache: &Cache,
    key: &str,
    tags: &[String],
    fill: impl FnOnce() -> Fill + Send + 'static,
) -> JoinHandle<Read> {
    let (cache, key, tags) = (cache.clone(), key.to_string(), tags.to_vec());
    tokio::spawn(async move { cache.get_or_fill(key.as_str(), &tags, fill).await })
}

async fn read(
    cache: &Cache,
    key: &str,
    tags: &[String],
    fill: impl FnOnce() -> Fill + Send,
) -> Lookup<String> {
    within(cache.get_or_fill(key, tags, fill)).await.expect("fill succeeds")
}

pub async fn fill_started_before_invalidation_is_never_visible_after_it(h: Harness) {
    let (cache, post) = (&h.cache, tags(&["post:1"]));
    let (old_fill, mut gate) = gated(Ok("old"));
    let old = spawn_read(cache, "history", &post, old_fill);
    gate.started().await;
    cache.invalidate(&post).await.unwrap();
    gate.release();

    let old = within(old).await.unwrap().unwrap();
    assert_eq!(
        (old.value.as_str(), old.source),
        ("old", Source::Miss),
        "its own reader started first"
    );
    assert_eq!(cache.metrics().stale_fills_rejected, 1);
    if let Some(ns) = &h.ns {
        for key in ns.entry_keys() {
            let ttl = ns.pttl(&key);
            assert!(
                (0..=3000).contains(&ttl),
                "the CAS script must refuse the stale store (a hand-off of at most 3 s to \
                 that key's own waiters is all it may leave): {key} has {ttl} ms"
            );
        }
    }
    let fills = FillCount::default();
    let next = read(cache, "history", &post, fills.fill("new")).await;
    assert_eq!((next.value.as_str(), next.source, fills.get()), ("new", Source::Miss, 1));
    let again = read(cache, "history", &post, fills.fill("unused")).await;
    assert_eq!((again.value.as_str(), again.source, again.stamp), ("new", Source::Hit, next.stamp));
}

pub async fn invalidation_during_a_fill_makes_later_readers_wait_for_a_fresh_fill(h: Harness) {
    let (cache, post) = (&h.cache, tags(&["post:1"]));
    let (old_fill, mut old_gate) = gated(Ok("old"));
    let old = spawn_read(cache, "history", &post, old_fill);
    old_gate.started().await;
    cache.invalidate(&post).await.unwrap();

    let (new_fill, mut new_gate) = gated(Ok("new"));
    let first_after = spawn_read(cache, "history", &post, new_fill);
    new_gate.started().await; // a fresh fill, although the old one is still running
    let (signal, mut joined) = drop_signals();
    let guard = signal();
    let second_after = spawn_read(cache, "history", &post, move || -> Fill {
        Box::pin(async move {
            drop(guard);
            panic!("a reader of the new versions must join the fresh fill")
        })
    });
    dropped(&mut joined, 1).await;
    new_gate.release();

    let (a, b) =
        (within(first_after).await.unwrap().unwrap(), within(second_after).await.unwrap().unwrap());
    assert_eq!((a.value.as_str(), b.value.as_str(), a.stamp), ("new", "new", b.stamp));
    old_gate.release();
    assert_eq!(within(old).await.unwrap().unwrap().value.as_str(), "old");
    let later = read(cache, "history", &post, FillCount::default().fill("unused")).await;
    assert_eq!(
        (later.value.as_str(), later.stamp),
        ("new", a.stamp),
        "the old fill never replaces the new one"
    );
    assert_eq!(cache.metrics().stale_fills_rejected, 1);
}

pub async fn concurrent_readers_share_one_fill(h: Harness) {
    const READERS: usize = 500;
    let (cache, ws) = (&h.cache, tags(&["workspace:1"]));
    let fills = FillCount::default();
    let gate = std::sync::Arc::new(tokio::sync::Notify::new());
    let (signal, mut joined) = drop_signals();
    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            let (fills, gate, guard) = (fills.clone(), gate.clone(), signal());
            spawn_read(cache, "history", &ws, move || -> Fill {
                Box::pin(async move {
                    gate.notified().await;
                    drop(guard);
                    fills.fill("shared")().await
                })
            })
        })
        .collect();
    dropped(&mut joined, READERS - 1).await; // every other reader joined the one fill
    gate.notify_one();

    let mut stamps = Vec::new();
    for reader in readers {
        stamps.push(within(reader).await.unwrap().unwrap().stamp);
    }
    stamps.dedup();
    assert_eq!((fills.get(), stamps.len()), (1, 1), "one fill, one value for every reader");
}

pub async fn entries_are_dropped_by_any_of_their_tags(h: Harness) {
    let (cache, both) = (&h.cache, tags(&["workspace:1", "profile:9"]));
    let fills = FillCount::default();
    assert_eq!(read(cache, "view", &both, fills.fill("v")).await.source, Source::Miss);
    let borrowed =
        within(cache.get_or_fill("view", &["workspace:1", "profile:9"], fills.fill("v")));
    assert_eq!(borrowed.await.unwrap().source, Source::Hit, "&[&str] names the same entry");
    cache.invalidate(&["unrelated"]).await.unwrap();
    assert_eq!(read(cache, "view", &both, fills.fill("v")).await.source, Source::Hit);
    cache.invalidate(&["profile:9"]).await.unwrap();
    assert_eq!(read(cache, "view", &both, fills.fill("v")).await.source, Source::Miss);
    cache.invalidate(&[String::from("workspace:1")]).await.unwrap();
    assert_eq!(read(cache, "view", &both, fills.fill("v")).await.source, Source::Miss);
    assert_eq!(fills.get(), 3);
}

pub async fn errors_are_shared_with_waiters_and_not_cached(h: Harness) {
    let (cache, ws) = (&h.cache, tags(&["workspace:1"]));
    let (failing, mut gate) = gated(Err("upstream down"));
    let leader = spawn_read(cache, "history", &ws, failing);
    gate.started().await;
    let (signal, mut joined) = drop_signals();
    let guard = signal();
    let waiter = spawn_read(cache, "history", &ws, move || -> Fill {
        Box::pin(async move {
            drop(guard);
            panic!("the waiter must share the running fill")
        })
    });
    dropped(&mut joined, 1).await;
    gate.release();

    let led = within(leader).await.unwrap().unwrap_err();
    let joined = within(waiter).await.unwrap().unwrap_err();
    assert_eq!(led.as_str(), "upstream down");
    assert!(Arc::ptr_eq(&led, &joined), "one error, shared, not cloned");
    let fills = FillCount::default();
    let retry = read(cache, "history", &ws, fills.fill("ok")).await;
    assert_eq!((retry.value.as_str(), retry.source, fills.get()), ("ok", Source::Miss, 1));
    let m = cache.metrics();
    assert_eq!((m.fills, m.fill_errors), (2, 1));
}

pub async fn clear_drops_entries_by_prefix(h: Harness) {
    let (cache, ws) = (&h.cache, tags(&["workspace:1"]));
    let fills = FillCount::default();
    for key in ["analytics:1", "analytics:2", "history:1"] {
        read(cache, key, &ws, fills.fill(key)).await;
    }
    assert!(cache.clear("analytics:").await >= 2);
    assert_eq!(read(cache, "analytics:1", &ws, fills.fill("again")).await.source, Source::Miss);
    assert_eq!(read(cache, "history:1", &ws, fills.fill("unused")).await.source, Source::Hit);
    assert_eq!(fills.get(), 4);
}

pub async fn broadcast_messages_reach_this_instance(h: Harness) {
    let mut messages = h.cache.messages("post.updated");
    h.cache.broadcast("post.updated", &serde_json::json!({"id": 7})).await.unwrap();
    let message = within(messages.recv()).await.unwrap();
    assert_eq!((&*message.topic, &*message.payload), ("post.updated", r#"{"id":7}"#));
}

pub async fn a_busy_topic_never_makes_another_topics_receivers_lag(h: Harness) {
    let (mut busy, mut quiet) = (h.cache.messages("workspace:1"), h.cache.messages("workspace:2"));
    for n in 0..1500 {
        // Enough to overflow one 1024-slot channel shared by every topic, let alone 256.
        h.cache.broadcast("workspace:1", &n).await.unwrap();
    }
    h.cache.broadcast("workspace:2", "draft saved").await.unwrap();
    let message = within(quiet.recv()).await.expect("the quiet topic's receiver does not lag");
    assert_eq!(message.decode::<&str>().unwrap(), "draft saved");
    // Messages of one instance arrive in order, so all of workspace:1's are in by now.
    assert!(matches!(busy.recv().await, Err(RecvError::Lagged(_))), "the busy one does");
    assert!(quiet.try_recv().is_err(), "only its own topic's messages");
}

pub async fn invalidations_reach_this_instances_subscribers(h: Harness) {
    let mut invalidations = h.cache.subscribe();
    h.cache.invalidate(&tags(&["workspace:1"])).await.unwrap();
    assert_eq!(within(invalidations.recv()).await.unwrap().tags, tags(&["workspace:1"]));
}

pub async fn the_local_tier_stays_within_its_byte_budget(h: Harness) {
    const BUDGET: u64 = 512 << 10;
    let cache = Cache::new(CacheConfig { max_local_bytes: BUDGET, ..h.config() }).await;
    let (ws, fills) = (tags(&["workspace:1"]), FillCount::default());
    let page = "x".repeat(64 << 10);
    for i in 0..64 {
        read(&cache, &format!("history:{i}"), &ws, fills.fill(&page)).await; // 4 MiB in all
    }
    let m = cache.metrics();
    assert!(m.local_bytes <= BUDGET, "{} bytes kept for a budget of {BUDGET}", m.local_bytes);
    assert!((1..8).contains(&m.local_entries), "{} entries of 64 KiB", m.local_entries);
    assert_eq!(m.oversized, 0);

    let huge = "y".repeat(BUDGET as usize / 4);
    let first = read(&cache, "export", &ws, fills.fill(&huge)).await;
    assert_eq!((first.value.len(), first.source), (huge.len(), Source::Miss), "still returned");
    read(&cache, "export", &ws, fills.fill(&huge)).await;
    let m = cache.metrics();
    assert_eq!(m.oversized, 2, "over a quarter of the budget: never kept, so read anew each time");
    assert!(m.local_bytes <= BUDGET);
}

/// A rate window grants at most its limit per period, and says when a use frees.
pub async fn a_rate_window_grants_at_most_its_limit_per_period(h: Harness) {
    let period = std::time::Duration::from_secs(30);
    let first = h.cache.take_slots("profile-1", 40, 60, period).await;
    let second = h.cache.take_slots("profile-1", 40, 60, period).await;
    assert_eq!((first.granted, second.granted), (40, 20));
    assert!(first.retry_after.is_none() && second.retry_after.is_some_and(|d| d <= period));
    assert_eq!(h.cache.take_slots("profile-1", 1, 60, period).await.granted, 0);
    assert_eq!(h.cache.take_slots("profile-2", 1, 60, period).await.granted, 1, "per key");
    h.cache.fill_slots("profile-2", 60, period, period).await;
    assert_eq!(h.cache.take_slots("profile-2", 1, 60, period).await.granted, 0, "filled up");
}

/// A window filled for a short hold frees when the hold ends, not a period later.
pub async fn a_window_filled_for_a_hold_frees_after_it(h: Harness) {
    let period = std::time::Duration::from_secs(300);
    h.cache.fill_slots("profile-4", 10, period, std::time::Duration::from_secs(2)).await;
    let refused = h.cache.take_slots("profile-4", 1, 10, period).await;
    assert_eq!(refused.granted, 0);
    let wait = refused.retry_after.expect("says when a use frees");
    assert!(wait <= std::time::Duration::from_secs(2), "{wait:?}");
}

/// Uses given back unused count against nobody: they can be taken again at once.
pub async fn uses_given_back_to_a_rate_window_can_be_taken_again(h: Harness) {
    let period = std::time::Duration::from_secs(30);
    let taken = h.cache.take_slots("profile-3", 10, 10, period).await;
    assert_eq!(taken.granted, 10);
    h.cache.refund_slots("profile-3", &taken, 4).await;
    assert_eq!(h.cache.take_slots("profile-3", 10, 10, period).await.granted, 4);
    h.cache.refund_slots("profile-3", &taken, 0).await;
    assert_eq!(h.cache.take_slots("profile-3", 1, 10, period).await.granted, 0, "nothing back");
}

/// A use restamped when its call is made counts a whole period from then, not from
/// when it was taken (time is what is under test here, so the test waits).
pub async fn a_restamped_use_counts_a_period_from_its_restamp(h: Harness) {
    let period = std::time::Duration::from_millis(600);
    let taken = h.cache.take_slots("profile-5", 2, 2, period).await;
    assert_eq!(taken.granted, 2);
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    h.cache.restamp_slot("profile-5", &taken, period).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let later = h.cache.take_slots("profile-5", 2, 2, period).await;
    assert_eq!(later.granted, 1, "the unspent use left, the restamped one still counts");
}
