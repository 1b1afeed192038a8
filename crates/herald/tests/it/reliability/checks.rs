//! The reliability suite's checks over what it reads back: duplicates on Ayrshare and
//! the audit-trail invariant of a post.

use serde_json::Value;

/// How many simulator records carry each text: a text posted twice shows up as 2.
pub fn texts_on_ayrshare(records: &[Value]) -> std::collections::HashMap<String, usize> {
    let mut seen = std::collections::HashMap::new();
    for r in records {
        *seen.entry(r["post"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
    }
    seen
}

/// The audit-trail invariant of one post detail (post + `events`): versions 1..=version
/// each have exactly one event, in order, and the last one is the post as it stands.
pub fn audit_problems(detail: &Value) -> Option<String> {
    let version = detail["version"].as_i64()?;
    let events = detail["events"].as_array().cloned().unwrap_or_default();
    let mut versions: Vec<i64> = events.iter().filter_map(|e| e["version"].as_i64()).collect();
    versions.sort_unstable();
    let expected: Vec<i64> = (1..=version).collect();
    if versions != expected {
        return Some(format!(
            "post {} at version {version} has event versions {versions:?}",
            detail["id"]
        ));
    }
    let last = events.iter().max_by_key(|e| e["version"].as_i64());
    match last {
        Some(e) if e["to"] == detail["status"] => None,
        Some(e) => Some(format!(
            "post {} is {} but its last event says {}",
            detail["id"], detail["status"], e["to"]
        )),
        None => Some(format!("post {} has no events", detail["id"])),
    }
}
