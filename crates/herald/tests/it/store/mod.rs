//! The storage conformance suite: every scenario is written once against
//! `Arc<dyn Storage>` and run on each backend, so SQLite and PostgreSQL keep the same
//! semantics. Each scenario `s` becomes two tests, `s::sqlite` (always, on a new file)
//! and `s::postgres` (on a new database when `HERALD_TEST_DATABASE_URL` is set, otherwise
//! reported as `skipped: …`). `cargo test --test store postgres` runs one backend.

mod accounts;
mod claims;
mod harness;
mod posts;

/// For each `module::scenario`, a module `scenario` with a `sqlite` and a `postgres` test.
macro_rules! conformance {
    ($($module:ident :: $scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                crate::store::harness::on_sqlite(crate::store::$module::$scenario).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let test = concat!(stringify!($scenario), "::postgres");
                crate::store::harness::on_postgres(test, crate::store::$module::$scenario).await;
            }
        }
    )*};
}

conformance! {
    accounts::ping_answers,
    accounts::after_close_operations_fail_as_unavailable,
    accounts::workspaces_are_created_read_by_id_and_name_listed_and_updated,
    accounts::a_duplicate_workspace_name_is_refused_as_duplicate,
    accounts::renaming_a_workspace_to_a_taken_name_is_refused_as_duplicate,
    accounts::a_duplicate_workspace_id_is_refused_as_duplicate_of_the_primary_key,
    accounts::tokens_are_created_found_by_hash_listed_and_revoked_once,
    accounts::first_delivery_is_true_once_then_false,
    posts::insert_post_writes_the_post_one_event_and_bumps_content_version,
    posts::save_post_writes_the_post_one_event_and_bumps_content_version,
    posts::save_post_with_a_stale_version_is_a_conflict_and_writes_nothing,
    posts::save_post_of_an_unknown_post_is_not_found,
    posts::inserting_a_post_id_twice_is_a_duplicate_and_writes_nothing,
    posts::events_come_in_version_order,
    posts::posts_are_listed_newest_first_with_cursor_paging_and_a_status_filter,
    posts::counts_are_by_status_and_by_platform,
    posts::post_by_ayrshare_id_finds_the_post,
    claims::claim_due_claims_only_due_scheduled_posts_and_expired_leases,
    claims::claim_due_skips_posts_the_claim_fn_declines,
    claims::claim_due_takes_at_most_limit_posts_earliest_first,
    claims::two_concurrent_claimers_claim_each_of_200_due_posts_exactly_once,
    claims::eight_concurrent_claimers_claim_each_of_200_due_posts_exactly_once,
}
