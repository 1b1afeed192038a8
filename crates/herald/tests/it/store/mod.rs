//! The storage conformance suite: every scenario is written once against
//! `Arc<dyn Storage>` and run on each backend, so SQLite and PostgreSQL keep the same
//! semantics. Each scenario `s` becomes two tests, `s::sqlite` (always, on a new file)
//! and `s::postgres` (on a new database when `HERALD_TEST_DATABASE_URL` is set, otherwise
//! reported as `skipped: …`). `cargo test -p herald --test it store:: -- --skip sqlite`
//! runs the PostgreSQL half.

// Scenarios may unwrap: a panic is their failure report.
#![allow(clippy::unwrap_used)]

mod accounts;
mod analytics;
mod caps;
mod claims;
mod due;
mod feed;
mod harness;
mod invitations;
mod media;
mod media_migration;
mod members;
mod notifications;
mod people;
mod plan;
mod posts;
mod review;
mod search;

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
    review::a_comment_and_its_mentions_are_written_together_and_listed_oldest_first,
    review::a_link_is_found_by_its_hash_and_revoked_within_its_workspace,
    review::each_due_reminder_is_taken_exactly_once_by_eight_concurrent_takers,
    accounts::ping_answers,
    accounts::after_close_operations_fail_as_unavailable,
    accounts::workspaces_are_created_read_by_id_and_name_listed_and_updated,
    accounts::a_duplicate_workspace_name_is_refused_as_duplicate,
    accounts::renaming_a_workspace_to_a_taken_name_is_refused_as_duplicate,
    accounts::a_duplicate_workspace_id_is_refused_as_duplicate_of_the_primary_key,
    accounts::tokens_are_created_found_by_hash_listed_and_revoked_once,
    accounts::first_delivery_is_true_once_then_false,
    accounts::x_credentials_are_stored_read_back_replaced_and_cleared,
    accounts::a_token_keeps_the_user_who_created_it,
    posts::insert_post_writes_the_post_one_event_and_bumps_content_version,
    posts::save_post_writes_the_post_one_event_and_bumps_content_version,
    posts::save_post_with_a_stale_version_is_a_conflict_and_writes_nothing,
    posts::save_post_of_an_unknown_post_is_not_found,
    posts::inserting_a_post_id_twice_is_a_duplicate_and_writes_nothing,
    posts::events_come_in_version_order,
    posts::posts_are_listed_newest_first_with_cursor_paging_and_a_status_filter,
    posts::counts_are_by_status_and_by_platform,
    posts::post_by_ayrshare_id_finds_the_post,
    posts::posts_by_ids_finds_the_workspaces_posts_in_the_order_asked,
    posts::waiting_for_is_written_by_insert_and_save_and_served_in_the_post,
    caps::platform_load_counts_loading_statuses_in_the_window_on_the_platform,
    claims::claim_due_claims_only_due_scheduled_posts_and_expired_leases,
    claims::claim_due_skips_posts_the_claim_fn_declines,
    claims::claim_due_takes_at_most_limit_posts_earliest_first,
    claims::two_concurrent_claimers_claim_each_of_200_due_posts_exactly_once,
    claims::eight_concurrent_claimers_claim_each_of_200_due_posts_exactly_once,
    people::users_are_created_and_found_by_id_and_by_e_mail_in_any_case,
    people::a_taken_e_mail_in_any_case_is_refused_as_duplicate,
    people::update_user_writes_name_global_admin_and_notify_email_but_not_the_e_mail,
    people::set_password_sets_the_hash_and_ends_every_session_of_the_user,
    people::sessions_are_created_found_listed_newest_first_touched_and_deleted,
    members::members_are_added_listed_by_name_and_their_roles_changed,
    members::remove_member_removes_a_member_once,
    members::the_last_admin_can_be_neither_demoted_nor_removed,
    members::two_admins_demoting_each_other_at_once_leave_one_admin,
    members::two_admins_removing_each_other_at_once_leave_one_admin,
    invitations::open_invitations_are_listed_found_by_hash_and_withdrawn_once,
    invitations::accepting_as_a_new_user_creates_the_user_and_the_membership,
    invitations::an_invitation_is_accepted_once,
    invitations::an_expired_or_withdrawn_invitation_is_gone_and_nothing_is_written,
    invitations::accepting_as_an_existing_member_keeps_the_higher_role,
    invitations::accepting_as_a_new_user_with_a_taken_e_mail_is_a_duplicate_and_writes_nothing,
    invitations::two_concurrent_acceptances_of_one_invitation_succeed_once,
    due::claim_due_claims_in_due_order_an_expired_lease_by_its_end,
    due::claim_due_for_one_workspace_claims_only_its_posts_in_due_order,
    due::due_by_workspace_counts_what_claim_due_would_claim_earliest_first,
    due::claimers_of_one_workspace_and_of_all_claim_each_of_200_due_posts_once,
    due::claim_overdue_returns_each_overdue_pending_post_once_ever,
    due::concurrent_overdue_claimers_get_each_of_100_posts_once,
    search::text_search_finds_whole_words_in_any_case_the_last_as_a_prefix_alike_on_both,
    search::text_search_follows_edits_of_a_posts_text,
    search::platform_author_status_and_time_filters_combine_with_text_search,
    search::posts_sorted_by_time_page_through_cursors_ties_broken_by_id,
    search::calendar_lists_the_posts_whose_time_is_in_the_window_by_time,
    notifications::a_notification_is_created_once_per_source_user_and_kind_with_its_mail,
    notifications::notifications_are_listed_newest_first_and_marked_read_by_their_user_only,
    notifications::a_notification_to_an_unknown_user_is_not_found_and_nothing_is_written,
    notifications::concurrent_creations_of_one_notification_create_it_once_with_one_mail,
    notifications::claim_mail_holds_each_mail_until_its_lease_ends_and_counts_attempts,
    notifications::two_concurrent_senders_never_hold_the_same_of_50_mails_in_20_rounds,
    feed::a_new_consumer_starts_at_the_end_of_the_feed,
    feed::claimed_events_come_in_commit_order_and_advance_moves_past_them,
    feed::while_a_claim_holds_no_one_else_gets_its_events_and_a_lapsed_one_is_claimed_again,
    feed::advance_goes_neither_past_the_claim_nor_back,
    feed::concurrent_claimers_handle_each_event_once_while_writers_commit,
    media::media_are_read_back_in_chunks_by_their_workspace_only,
    media::a_medium_without_thumbnail_has_none_and_ids_are_unique,
    media::concurrent_media_never_take_a_workspace_past_its_quota,
    media::a_medium_is_found_by_the_sha256_of_its_bytes_in_its_workspace_only,
    analytics::freshness_figures_are_summed_over_instances_and_replaced_per_instance,
    analytics::post_figures_never_go_back_an_older_reading_arriving_late_is_ignored,
    analytics::post_figures_are_listed_by_post_time_in_the_window_with_their_as_of,
    analytics::a_posts_figures_are_its_own_by_network_once_read,
    analytics::refreshes_are_claimed_when_due_earliest_first_and_held_until_released,
    analytics::concurrent_refresh_claimers_claim_each_of_60_targets_once,
    plan::a_key_is_written_once_however_many_writers_race,
    plan::concurrent_queue_additions_take_distinct_free_slots,
    plan::pausing_labels_queued_posts_and_resuming_moves_the_passed_ones,
    plan::a_feed_is_held_by_one_poller_until_its_poll_is_recorded,
}
