//! Actors are typed to the edges: only `foundation/domain/actor.rs` writes or reads the stored form
//! of an actor (`user:<id>`, `token:<id>`, `review:<link id>`); everywhere else builds
//! and matches `Actor` values, so a new call site cannot spell one differently.

use super::rust_text::{source_files, strings_of};

/// The literal openings of an actor's stored form.
const ACTOR_FORMS: [&str; 3] = ["\"user:", "\"token:", "\"review:"];

/// The one module that knows the stored form.
const ACTOR_MODULE: &str = "foundation/domain/actor.rs";

/// Files whose literals with these openings are not actors: the cache's keys and
/// live-event topics of a user (`user:<id>`) and of a token hash (`token:<hash>`).
const NOT_ACTORS: [&str; 1] = ["storage/cache_keys.rs"];

#[test]
fn only_the_actor_module_spells_an_actor() {
    let mut spelled = Vec::new();
    let mut seen = false;
    for (path, text) in source_files() {
        let code = strings_of(&text);
        for form in ACTOR_FORMS.iter().filter(|form| code.contains(*form)) {
            seen |= path == ACTOR_MODULE;
            if path != ACTOR_MODULE && !NOT_ACTORS.contains(&path.as_str()) {
                let line = code.lines().position(|l| l.contains(form)).map_or(0, |i| i + 1);
                spelled.push(format!("{path}:{line}: {form}…"));
            }
        }
    }
    assert!(seen, "{ACTOR_MODULE} no longer spells the stored forms: is the scan blind?");
    assert!(
        spelled.is_empty(),
        "actors spelled as strings (build and match `domain::Actor` instead): {spelled:#?}"
    );
}
