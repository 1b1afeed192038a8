//! The storage conformance suite: every scenario is written once against
//! `Arc<dyn Storage>` and run on each backend, so SQLite and PostgreSQL keep the same
//! semantics. Each scenario `s` becomes two tests, `s::sqlite` (always, on a new file)
//! and `s::postgres` (on a new database when `HERALD_TEST_DATABASE_URL` is set, otherwise
//! reported as `skipped: …`). `cargo test --test store postgres` runs one backend.

// Scenarios may unwrap: a panic is their failure report.
#![allow(clippy::unwrap_used)]

mod accounts;
mod caps;
mod claims;
mod harness;
mod invitations;
mod members;
mod people;
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
}
