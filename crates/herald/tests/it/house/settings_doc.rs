//! `docs/CONFIGURATION.md` names exactly the settings the binary reads: every environment
//! variable of every `herald` command (walked from clap's `Command`, subcommands and
//! flattened groups included) appears in it, and every `HERALD_*`, `AYRSHARE_*` or
//! `SIM_*` name it mentions is one of them.

use clap::CommandFactory;
use herald::commands::config::Cli;
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn the_configuration_document_names_every_setting_and_only_real_ones() {
    let accepted = env_names(&Cli::command());
    assert!(accepted.contains("HERALD_BIND") && accepted.len() > 40, "{accepted:?}");
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/CONFIGURATION.md");
    let doc = std::fs::read_to_string(&doc).unwrap_or_else(|e| panic!("{}: {e}", doc.display()));
    let named = names_in(&doc);
    let missing: Vec<_> = accepted.iter().filter(|n| !named.contains(*n)).collect();
    let unknown: Vec<_> = named.iter().filter(|n| !accepted.contains(*n)).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "docs/CONFIGURATION.md lacks {missing:?}; it names settings the binary does not \
         accept: {unknown:?}"
    );
}

#[test]
fn setting_names_are_read_whole_from_the_document() {
    let named = names_in("`HERALD_BIND`, HERALD_PUBLISH_*, `DATABASE_URL`/`SIM_LENIENT`.");
    let expected = ["DATABASE_URL", "HERALD_BIND", "SIM_LENIENT"];
    assert_eq!(named.iter().collect::<Vec<_>>(), expected, "a `_*` family is not a name");
}

/// Every `env` name of `command` and its subcommands.
fn env_names(command: &clap::Command) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = command
        .get_arguments()
        .filter_map(|a| a.get_env())
        .map(|e| e.to_string_lossy().into_owned())
        .collect();
    for sub in command.get_subcommands() {
        names.extend(env_names(sub));
    }
    names
}

/// The setting names a document mentions: words in capitals and underscores that start
/// with one of Herald's prefixes, or the two unprefixed names.
fn names_in(doc: &str) -> BTreeSet<String> {
    doc.split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '*'))
        .filter(|w| !w.ends_with('*') && !w.ends_with('_'))
        .filter(|w| {
            ["HERALD_", "AYRSHARE_", "SIM_"].iter().any(|p| w.starts_with(p))
                || ["DATABASE_URL", "REDIS_URL"].contains(w)
        })
        .map(str::to_owned)
        .collect()
}
