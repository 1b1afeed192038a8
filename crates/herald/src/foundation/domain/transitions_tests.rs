//! The whole status × action table, written out once, checked cell by cell.

use super::*;
use chrono::Duration;
use PostStatus::*;

fn ctx(requires_approval: bool, schedule: Option<i64>, late: LateApproval) -> Context {
    let now = Utc::now();
    Context {
        requires_approval,
        late_approval: late,
        schedule_at: schedule.map(|mins| now + Duration::minutes(mins)),
        now,
    }
}

/// Expected effect per (action, status) with approval required and a future schedule.
/// `None` means refused with a 409.
fn expected(action: Action, from: PostStatus) -> Option<Effect> {
    use Action::*;
    use Effect::*;
    match (action, from) {
        (Edit, Draft) => Some(To(Draft)),
        (Edit, PendingApproval) => Some(To(PendingApproval)),
        (Edit, ChangesRequested) => Some(To(ChangesRequested)),
        (Edit, Rejected) => Some(To(Rejected)),
        (Edit, Scheduled) => Some(To(PendingApproval)),
        (Submit, Draft | ChangesRequested | Rejected) => Some(To(PendingApproval)),
        (Approve, PendingApproval) => Some(To(Scheduled)),
        (Reject, PendingApproval) => Some(To(Rejected)),
        (RequestChanges, PendingApproval) => Some(To(ChangesRequested)),
        (Retry, Failed | PartiallyPublished) => Some(PublishNow),
        (Delete, Published | PartiallyPublished) => Some(DeleteUpstream),
        (
            Delete,
            Draft | PendingApproval | ChangesRequested | Rejected | Scheduled | Failed | Expired,
        ) => Some(To(Cancelled)),
        _ => None,
    }
}

#[test]
fn every_status_and_action_is_allowed_or_refused_with_a_reason() {
    let c = ctx(true, Some(60), LateApproval::Expire);
    for action in Action::ALL {
        for from in PostStatus::ALL {
            let got = decide(action, from, &c);
            match expected(action, from) {
                Some(effect) => assert_eq!(got, Ok(effect), "{action:?} from {from}"),
                None => {
                    let Refused(reason) =
                        got.expect_err(&format!("{action:?} from {from} must be refused"));
                    assert!(reason.contains(from.as_str()), "reason names the status: {reason}");
                }
            }
        }
    }
}

#[test]
fn approving_without_schedule_publishes_now() {
    let c = ctx(true, None, LateApproval::Expire);
    assert_eq!(decide(Action::Approve, PendingApproval, &c), Ok(Effect::PublishNow));
}

#[test]
fn late_approval_expires_or_publishes_per_workspace_policy() {
    let expire = ctx(true, Some(-5), LateApproval::Expire);
    assert_eq!(decide(Action::Approve, PendingApproval, &expire), Ok(Effect::To(Expired)));
    let publish = ctx(true, Some(-5), LateApproval::Publish);
    assert_eq!(decide(Action::Approve, PendingApproval, &publish), Ok(Effect::PublishNow));
}

#[test]
fn without_approval_submit_schedules_or_publishes() {
    let later = ctx(false, Some(60), LateApproval::Expire);
    assert_eq!(decide(Action::Submit, Draft, &later), Ok(Effect::To(Scheduled)));
    let now = ctx(false, None, LateApproval::Expire);
    assert_eq!(decide(Action::Submit, Draft, &now), Ok(Effect::PublishNow));
    assert_eq!(on_create(true, &now), CreateEffect::PublishNow);
    assert_eq!(on_create(false, &now), CreateEffect::To(Draft));
}

#[test]
fn editing_a_scheduled_post_goes_back_to_approval_only_where_required() {
    let with = ctx(true, Some(60), LateApproval::Expire);
    assert_eq!(decide(Action::Edit, Scheduled, &with), Ok(Effect::To(PendingApproval)));
    let without = ctx(false, Some(60), LateApproval::Expire);
    assert_eq!(decide(Action::Edit, Scheduled, &without), Ok(Effect::To(Scheduled)));
}

#[test]
fn with_approval_create_waits_for_approval_even_without_schedule() {
    let c = ctx(true, None, LateApproval::Publish);
    assert_eq!(on_create(true, &c), CreateEffect::To(PendingApproval));
}

#[test]
fn roles_required_per_action() {
    assert_eq!(required_role(Action::Edit, Draft), Role::Editor);
    assert_eq!(required_role(Action::Approve, PendingApproval), Role::Approver);
    assert_eq!(required_role(Action::Reject, PendingApproval), Role::Approver);
    assert_eq!(required_role(Action::Delete, Scheduled), Role::Editor);
    assert_eq!(required_role(Action::Delete, Published), Role::Admin);
}
