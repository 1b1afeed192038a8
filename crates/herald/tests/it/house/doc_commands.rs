//! The commands the documents give run as written: every `cargo test` of the `herald`
//! tests names the one test binary (`--test it`) and filters that select at least one of
//! its tests (read from this very binary's `--list`), and every `cargo run --example`
//! names an example that exists. The documents are the `*.md` files at the root and in
//! `docs/`, and the comments of `crates/herald`.

use super::documents::{code_in, documents, root};
use std::collections::BTreeSet;
use std::process::Command;

#[test]
fn every_cargo_command_in_the_documents_names_real_tests_and_examples() {
    let tests = test_names();
    assert!(tests.len() > 100, "this binary lists {} tests", tests.len());
    let mut commands = Vec::new();
    for (file, text) in documents() {
        for command in commands_in(&text) {
            commands.push((file.clone(), command));
        }
    }
    assert!(commands.len() > 15, "too few commands found: {commands:#?}");
    let wrong: Vec<String> = commands
        .iter()
        .filter_map(|(file, command)| {
            problem(command, &tests).map(|p| format!("{file}: `{command}`: {p}"))
        })
        .collect();
    assert!(wrong.is_empty(), "commands that do not run as written:\n{}", wrong.join("\n"));
}

#[test]
fn a_filter_that_selects_no_test_and_a_missing_binary_are_reported() {
    let tests: BTreeSet<String> = ["api::people::logout::sqlite".to_owned()].into();
    assert_eq!(problem("cargo test -p herald --test it api::people", &tests), None);
    assert_eq!(problem("cargo test -p herald --test it -- logout --nocapture", &tests), None);
    let typo = problem("cargo test -p herald --test it api::peple", &tests);
    assert_eq!(typo.as_deref(), Some("the filter `api::peple` selects no test"));
    let old = problem("cargo test -p herald --test api people", &tests);
    let expected = "there is no test binary `api` in herald (herald's one binary is `it`)";
    assert_eq!(old.as_deref(), Some(expected));
    let old = problem("cargo test --test store postgres", &tests);
    let expected = "there is no test binary `store` (herald's one binary is `it`)";
    assert_eq!(old.as_deref(), Some(expected));
    assert_eq!(problem("cargo test -p herald-cache --test cache", &tests), None);
    let found = commands_in(
        "run `cargo test -p herald\n--test it api::` or:\n\n    cargo run --example x\n",
    );
    assert_eq!(found, ["cargo test -p herald --test it api::", "cargo run --example x"]);
}

/// The names of this binary's tests (ignored ones included).
fn test_names() -> BTreeSet<String> {
    let this = std::env::current_exe().unwrap();
    let mut names = BTreeSet::new();
    for ignored in [None, Some("--ignored")] {
        let mut list = Command::new(&this);
        list.args(["--list", "--format", "terse"]).args(ignored);
        let text = String::from_utf8(list.output().unwrap().stdout).unwrap();
        names.extend(text.lines().filter_map(|l| l.strip_suffix(": test")).map(str::to_owned));
    }
    names
}

/// The `cargo test` and `cargo run` commands in the code of `text`, whitespace made
/// single.
fn commands_in(text: &str) -> Vec<String> {
    code_in(text).iter().filter_map(|code| command_of(code)).collect()
}

/// The `cargo test …` or `cargo run …` command in `code`, from `cargo` to its end or
/// to a `#` comment.
fn command_of(code: &str) -> Option<String> {
    let at = code.find("cargo test").or_else(|| code.find("cargo run"))?;
    let command = code[at..].split(" #").next().unwrap_or_default();
    Some(command.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The test targets of `package` (of every crate without one): `tests/x.rs` and
/// `tests/x/main.rs`.
fn test_targets(package: Option<&str>) -> BTreeSet<String> {
    let mut targets = BTreeSet::new();
    for krate in std::fs::read_dir(root().join("crates")).unwrap() {
        let krate = krate.unwrap().path();
        if package.is_some_and(|p| !krate.ends_with(p)) || !krate.join("tests").is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(krate.join("tests")).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.extension().is_some_and(|e| e == "rs") || path.join("main.rs").exists() {
                targets.insert(stem);
            }
        }
    }
    targets
}

/// What keeps `command` from running as written, if anything.
fn problem(command: &str, tests: &BTreeSet<String>) -> Option<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let value_of =
        |flag: &str| words.iter().position(|w| *w == flag).and_then(|i| words.get(i + 1));
    if let Some(example) = value_of("--example") {
        let package = value_of("-p").copied().unwrap_or("herald");
        let dir = root().join("crates").join(package).join("examples");
        let exists = dir.join(format!("{example}.rs")).exists() || dir.join(example).is_dir();
        return (!exists).then(|| format!("there is no example `{example}` in {package}"));
    }
    let Some(&target) = value_of("--test").filter(|_| words.starts_with(&["cargo", "test"])) else {
        return None; // the whole workspace, or a crate's every target
    };
    let package = value_of("-p").copied();
    if !test_targets(package).contains(target) {
        let of = package.map_or(String::new(), |p| format!(" in {p}"));
        return Some(format!(
            "there is no test binary `{target}`{of} (herald's one binary is `it`)"
        ));
    }
    if target != "it" {
        return None; // another crate's tests: their names are not listed here
    }
    let valued = ["-p", "--test", "--format", "--skip", "--test-threads"];
    let exact = words.contains(&"--exact");
    words
        .iter()
        .enumerate()
        .skip(2)
        .filter(|(i, w)| !w.starts_with('-') && !valued.contains(&words[i - 1]))
        .map(|(_, w)| *w)
        .filter(|w| !w.contains(['…', '<', '=']))
        .find(|filter| !tests.iter().any(|t| if exact { t == filter } else { t.contains(filter) }))
        .map(|filter| format!("the filter `{filter}` selects no test"))
}
