//! The vocabulary the pages share with the server, shipped in the page config every page
//! embeds: platforms with their labels and limits (`ayrshare::Platform`'s table),
//! statuses, roles in order (with what each may do), audit actions with their phrases,
//! and which action each status allows for which role (from the state machine) — so the
//! browser checks exactly what the server checks and never keeps a copy of its own.

use crate::foundation::domain::transitions::{self, Action, Context};
use crate::foundation::domain::{AuditAction, LateApproval, PostStatus, Role};
use ayrshare::Platform;
use serde_json::{json, Map, Value};

/// A limit for a small label: 280, 2200, 63k.
pub fn short_limit(limit: usize) -> String {
    if limit >= 10_000 {
        format!("{}k", limit / 1000)
    } else {
        limit.to_string()
    }
}

/// Which series of the dashboard's chart a status belongs to.
pub fn status_group(s: PostStatus) -> &'static str {
    match s {
        PostStatus::Published => "published",
        PostStatus::Draft
        | PostStatus::PendingApproval
        | PostStatus::ChangesRequested
        | PostStatus::Scheduled
        | PostStatus::Publishing => "waiting",
        _ => "problem",
    }
}

/// Display names of the statuses.
pub fn status_label(s: PostStatus) -> &'static str {
    match s {
        PostStatus::Draft => "Draft",
        PostStatus::PendingApproval => "Pending approval",
        PostStatus::ChangesRequested => "Changes requested",
        PostStatus::Rejected => "Rejected",
        PostStatus::Scheduled => "Scheduled",
        PostStatus::Publishing => "Publishing",
        PostStatus::Published => "Published",
        PostStatus::PartiallyPublished => "Partially published",
        PostStatus::Failed => "Failed",
        PostStatus::Cancelled => "Cancelled",
        PostStatus::Expired => "Expired",
        PostStatus::Deleted => "Deleted",
    }
}

/// What a role may do, in a sentence for the team page (each includes the ones before).
pub fn role_help(r: Role) -> &'static str {
    match r {
        Role::Viewer => "Sees the dashboard, the posts and their history.",
        Role::Editor => "Also writes posts, edits them and sends them for approval.",
        Role::Approver => "Also approves, rejects or sends back other people's posts.",
        Role::Admin => "Also manages the team, API tokens and the workspace's settings.",
    }
}

/// The page config: what the scripts need to know besides the API's answers.
pub fn config(page: &str, ws: Option<&str>, post: Option<&str>) -> String {
    let platforms: Vec<Value> = Platform::ALL
        .iter()
        .map(|p| json!({"id": p.as_str(), "label": p.label(), "limit": p.text_limit()}))
        .collect();
    let statuses: Vec<Value> = PostStatus::ALL
        .iter()
        .map(|s| json!({"id": s.as_str(), "label": status_label(*s), "group": status_group(*s)}))
        .collect();
    let ctx = Context {
        requires_approval: true,
        late_approval: LateApproval::Expire,
        schedule_at: None,
        now: chrono::Utc::now(),
    };
    let mut actions = Map::new();
    for status in PostStatus::ALL {
        let allowed: Map<String, Value> = Action::ALL
            .iter()
            .filter(|a| transitions::decide(**a, status, &ctx).is_ok())
            .map(|a| {
                (a.as_str().to_owned(), json!(transitions::required_role(*a, status).as_str()))
            })
            .collect();
        actions.insert(status.as_str().to_owned(), Value::Object(allowed));
    }
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    let role_help: Map<String, Value> =
        Role::ALL.iter().map(|r| (r.as_str().to_owned(), json!(role_help(*r)))).collect();
    let audit: Map<String, Value> =
        AuditAction::ALL.iter().map(|a| (a.as_str().to_owned(), json!(a.phrase()))).collect();
    let body = json!({"page": page, "workspace_id": ws, "post_id": post, "platforms": platforms,
        "statuses": statuses, "actions": actions, "roles": roles, "role_help": role_help, "audit_actions": audit});
    // Safe inside <script>: no `<`, `>` or `&` survive as themselves.
    body.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_mirrors_the_limits_and_the_state_machine_and_is_script_safe() {
        let raw = config("dashboard", Some("</script><b>"), None);
        assert!(!raw.contains('<') && !raw.contains('>'));
        let cfg: Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(cfg["workspace_id"], "</script><b>");
        assert_eq!(cfg["platforms"].as_array().unwrap().len(), Platform::ALL.len());
        assert_eq!(cfg["actions"]["pending_approval"]["approve"], "approver");
        assert_eq!(cfg["actions"]["published"]["delete"], "admin");
        assert!(cfg["actions"]["published"].get("edit").is_none());
    }
}
