//! Who hears about what (API.md "Notifications"), as pure functions of an audit event,
//! its post and the workspace's members:
//!
//! - a post entering `pending_approval` → `approval_requested` to the members who may
//!   approve it (approvers and admins, but not whoever wrote or submitted it: four eyes
//!   would refuse them anyway);
//! - `approve`, `reject`, `request_changes` → `approved`, `rejected`,
//!   `changes_requested` to the post's author (as a person: a token counts as the user
//!   who created it), unless the author decided it themselves;
//! - a publish that settles `failed` or `partially_published` → `publish_failed` to the
//!   author and the workspace's admins;
//! - a pending post whose time passed → `approval_overdue` to the approvers and the
//!   author (found by the scheduler's overdue check, not by an event).
//!
//! Only people receive notifications; an author that is a token without a known creator,
//! the admin token or Herald itself receives none.

use crate::foundation::domain::audit::AuditAction;
use crate::foundation::domain::notifications::NotificationKind;
use crate::foundation::domain::people::Member;
use crate::foundation::domain::{Actor, Event, Post, PostStatus, Role};

/// Who an event concerns, read off the event alone (so the many events nobody hears
/// about — claims, publishes that went well, waits — cost no further reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The post's author, told `kind`.
    Author(NotificationKind),
    /// Those who may approve the post.
    Approvers,
    /// The author and the workspace's admins: a publish failed.
    AuthorAndAdmins,
}

/// Whom `event` concerns, if anyone.
pub fn audience(event: &Event) -> Option<Audience> {
    let entered = |status| event.to == status && event.from != Some(status);
    match event.action {
        AuditAction::Approve => Some(Audience::Author(NotificationKind::Approved)),
        AuditAction::Reject => Some(Audience::Author(NotificationKind::Rejected)),
        AuditAction::RequestChanges => Some(Audience::Author(NotificationKind::ChangesRequested)),
        _ if entered(PostStatus::PendingApproval) => Some(Audience::Approvers),
        AuditAction::Publish | AuditAction::Webhook
            if entered(PostStatus::Failed) || entered(PostStatus::PartiallyPublished) =>
        {
            Some(Audience::AuthorAndAdmins)
        }
        _ => None,
    }
}

/// What the workspace's people hear about `event` of `post`: `(user id, kind)`, each
/// user at most once per kind. `person_of` maps an actor to the person behind it.
pub fn for_event(
    event: &Event,
    post: &Post,
    members: &[Member],
    person_of: impl Fn(&Actor) -> Actor,
) -> Vec<(String, NotificationKind)> {
    let author = person_of(&post.author);
    let actor = person_of(&event.actor);
    match audience(event) {
        Some(Audience::Author(kind)) if author != actor => {
            author.user_id().map(|u| vec![(u.to_owned(), kind)]).unwrap_or_default()
        }
        Some(Audience::Approvers) => {
            approvers(members, &[&author, &actor], NotificationKind::ApprovalRequested)
        }
        Some(Audience::AuthorAndAdmins) => failed(&author, members),
        Some(Audience::Author(_)) | None => Vec::new(),
    }
}

/// Who hears that `post` still waits for approval after its time.
pub fn for_overdue(
    post: &Post,
    members: &[Member],
    person_of: impl Fn(&Actor) -> Actor,
) -> Vec<(String, NotificationKind)> {
    let author = person_of(&post.author);
    let mut out = approvers(members, &[&author], NotificationKind::ApprovalOverdue);
    if let Some(user) = author.user_id() {
        out.push((user.to_owned(), NotificationKind::ApprovalOverdue));
    }
    out
}

fn approvers(
    members: &[Member],
    except: &[&Actor],
    kind: NotificationKind,
) -> Vec<(String, NotificationKind)> {
    members
        .iter()
        .filter(|m| m.role >= Role::Approver)
        .filter(|m| !except.iter().any(|e| e.user_id() == Some(m.user.id.as_str())))
        .map(|m| (m.user.id.clone(), kind))
        .collect()
}

fn failed(author: &Actor, members: &[Member]) -> Vec<(String, NotificationKind)> {
    let kind = NotificationKind::PublishFailed;
    let mut out: Vec<(String, NotificationKind)> =
        author.user_id().map(|u| vec![(u.to_owned(), kind)]).unwrap_or_default();
    for admin in members.iter().filter(|m| m.role == Role::Admin) {
        if !out.iter().any(|(u, _)| *u == admin.user.id) {
            out.push((admin.user.id.clone(), kind));
        }
    }
    out
}

/// The notification's sentence, e.g. `Camille Martin asks for your approval: "Spring
/// sale starts Monday…"`.
pub fn text(kind: NotificationKind, actor_name: &str, post: &Post) -> String {
    let excerpt = excerpt(&post.text);
    match kind {
        NotificationKind::ApprovalRequested => {
            format!("{actor_name} asks for your approval: “{excerpt}”")
        }
        NotificationKind::Approved => format!("{actor_name} approved your post “{excerpt}”"),
        NotificationKind::Rejected => format!("{actor_name} rejected your post “{excerpt}”"),
        NotificationKind::ChangesRequested => {
            format!("{actor_name} asks for changes to your post “{excerpt}”")
        }
        NotificationKind::PublishFailed => format!("A post could not be published: “{excerpt}”"),
        NotificationKind::ApprovalOverdue => {
            format!("A post still waits for approval and its time has passed: “{excerpt}”")
        }
        NotificationKind::WebhookDisabled => "A webhook was turned off".to_owned(),
        NotificationKind::Mentioned => {
            format!("{actor_name} mentioned you in a comment on “{excerpt}”")
        }
    }
}

/// The first 60 characters of a text, on one line.
fn excerpt(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::foundation::domain::people::User;
    use chrono::Utc;

    fn member(id: &str, role: Role) -> Member {
        let user = User {
            id: id.into(),
            email: format!("{id}@example.com"),
            name: id.into(),
            global_admin: false,
            notify_email: true,
            created_at: Utc::now(),
        };
        Member { user, role }
    }

    fn event(action: AuditAction, actor: &str, from: Option<PostStatus>, to: PostStatus) -> Event {
        Event {
            id: "e".into(),
            post_id: "p".into(),
            actor: actor.into(),
            action,
            comment: None,
            from,
            to,
            version: 2,
            at: Utc::now(),
        }
    }

    fn post(author: &str) -> Post {
        let now = Utc::now();
        Post {
            id: "p".into(),
            workspace_id: "ws".into(),
            text: "Spring sale starts Monday".into(),
            platforms: vec![ayrshare::Platform::Twitter],
            media_urls: vec![],
            status: PostStatus::PendingApproval,
            schedule_at: None,
            version: 2,
            author: author.into(),
            created_at: now,
            updated_at: now,
            published_at: None,
            ayrshare_id: None,
            platform_results: vec![],
            waiting_for: None,
            compose: Default::default(),
            publish: Default::default(),
        }
    }

    fn team() -> Vec<Member> {
        vec![
            member("ed", Role::Editor),
            member("ann", Role::Approver),
            member("bo", Role::Approver),
            member("ad", Role::Admin),
        ]
    }

    fn same(actor: &Actor) -> Actor {
        match actor {
            Actor::Token(t) if t == "t1" => Actor::user("ed"),
            a => a.clone(),
        }
    }

    #[test]
    fn a_submitted_post_asks_every_approver_but_its_author_and_submitter() {
        let e = event(
            AuditAction::Submit,
            "user:bo",
            Some(PostStatus::Draft),
            PostStatus::PendingApproval,
        );
        let got = for_event(&e, &post("token:t1"), &team(), same);
        let users: Vec<&str> = got.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(users, ["ann", "ad"], "bo submitted it; ed wrote it through a token");
        assert!(got.iter().all(|(_, k)| *k == NotificationKind::ApprovalRequested));
    }

    #[test]
    fn decisions_go_to_the_author_as_a_person() {
        let e = event(
            AuditAction::Reject,
            "user:ann",
            Some(PostStatus::PendingApproval),
            PostStatus::Rejected,
        );
        assert_eq!(
            for_event(&e, &post("token:t1"), &team(), same),
            [("ed".to_owned(), NotificationKind::Rejected)]
        );
        let own = event(
            AuditAction::Approve,
            "user:ed",
            Some(PostStatus::PendingApproval),
            PostStatus::Scheduled,
        );
        assert!(
            for_event(&own, &post("user:ed"), &team(), same).is_empty(),
            "nobody is told of their own decision"
        );
        assert!(
            for_event(&e, &post("admin"), &team(), same).is_empty(),
            "the admin token is nobody"
        );
    }

    #[test]
    fn a_failed_publish_goes_to_the_author_and_the_admins_once_each() {
        let e =
            event(AuditAction::Publish, "system", Some(PostStatus::Publishing), PostStatus::Failed);
        let got = for_event(&e, &post("user:ad"), &team(), same);
        assert_eq!(got, [("ad".to_owned(), NotificationKind::PublishFailed)]);
        let ok = event(
            AuditAction::Publish,
            "system",
            Some(PostStatus::Publishing),
            PostStatus::Published,
        );
        assert!(for_event(&ok, &post("user:ed"), &team(), same).is_empty());
    }

    #[test]
    fn an_overdue_post_goes_to_the_approvers_and_its_author() {
        let users: Vec<String> =
            for_overdue(&post("user:ed"), &team(), same).into_iter().map(|(u, _)| u).collect();
        assert_eq!(users, ["ann", "bo", "ad", "ed"]);
    }

    #[test]
    fn texts_are_sentences_with_a_short_excerpt() {
        let mut p = post("user:ed");
        p.text = "word ".repeat(40);
        let t = text(NotificationKind::ApprovalRequested, "Ann", &p);
        assert!(t.starts_with("Ann asks for your approval: “word word"), "{t}");
        assert!(t.ends_with("…”"), "{t}");
    }
}
