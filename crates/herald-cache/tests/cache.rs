//! The cache's contract, as one test binary: every spec in `cache/specs.rs` runs on the
//! local tier (`local::..`) and on the Redis tier (`redis::..`, skipped with a notice
//! unless `HERALD_TEST_REDIS_URL` is set); `cache/redis_only.rs` covers instances.

#![allow(clippy::unwrap_used)] // tests: a panic is their failure report

#[path = "cache/lease.rs"]
mod lease;
#[path = "cache/proxy.rs"]
mod proxy;
#[path = "cache/redis_only.rs"]
mod redis_only;
#[path = "cache/scoped.rs"]
mod scoped;
#[path = "cache/specs.rs"]
mod specs;
#[path = "cache/support.rs"]
mod support;

/// Declares one test per spec and tier, named `<tier>::<spec>`.
macro_rules! on_both_tiers {
    ($($spec:ident),* $(,)?) => {
        mod local {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $spec() {
                    let harness = crate::support::harness(crate::support::Kind::Local).await;
                    crate::specs::$spec(harness.expect("the local tier always runs")).await;
                }
            )*
        }
        mod redis {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $spec() {
                    if let Some(harness) = crate::support::harness(crate::support::Kind::Redis).await {
                        crate::specs::$spec(harness).await;
                    }
                }
            )*
        }
    };
}

on_both_tiers!(
    fill_started_before_invalidation_is_never_visible_after_it,
    invalidation_during_a_fill_makes_later_readers_wait_for_a_fresh_fill,
    concurrent_readers_share_one_fill,
    entries_are_dropped_by_any_of_their_tags,
    errors_are_shared_with_waiters_and_not_cached,
    clear_drops_entries_by_prefix,
    broadcast_messages_reach_this_instance,
    a_busy_topic_never_makes_another_topics_receivers_lag,
    invalidations_reach_this_instances_subscribers,
    the_local_tier_stays_within_its_byte_budget,
    a_rate_window_grants_at_most_its_limit_per_period,
    uses_given_back_to_a_rate_window_can_be_taken_again,
    a_window_filled_for_a_hold_frees_after_it,
    a_restamped_use_counts_a_period_from_its_restamp,
);
