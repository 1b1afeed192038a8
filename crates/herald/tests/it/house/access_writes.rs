//! Access writes invalidate by themselves: the invalidations of cached access records
//! (`Lookups::sessions_changed` and its kin) are called only from the write paths that
//! own them — the people use cases' `access_write` and the workspaces' chokepoints — so
//! a new write of sessions, users, memberships or tokens cannot forget one: it has to go
//! through a write path.

use super::rust_text::{code_of, source_files};

/// The invalidations of access records, as called.
const INVALIDATIONS: [&str; 6] = [
    ".sessions_changed(",
    ".users_changed(",
    ".memberships_changed(",
    ".offboarded(",
    ".tokens_changed(",
    ".workspace_changed(",
];

/// The write paths: the only files that may call them.
const WRITE_PATHS: [&str; 2] = ["commands/people/access.rs", "services/workspaces.rs"];

#[test]
fn access_invalidations_are_called_only_from_the_write_paths() {
    let mut by_hand = Vec::new();
    let mut seen = 0;
    for (path, text) in source_files() {
        let code = code_of(&text);
        for call in INVALIDATIONS.iter().filter(|call| code.contains(*call)) {
            seen += 1;
            if !WRITE_PATHS.contains(&path.as_str()) {
                by_hand.push(format!("{path}: {call}…)"));
            }
        }
    }
    assert!(seen >= INVALIDATIONS.len(), "the write paths call no invalidation any more");
    assert!(
        by_hand.is_empty(),
        "access invalidated by hand (write through PeopleService::access_write or the \
         workspaces' chokepoints instead): {by_hand:#?}"
    );
}
