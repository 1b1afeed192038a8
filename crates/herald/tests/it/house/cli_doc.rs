//! The `herald …` commands the documents show exist as written: each names a real
//! subcommand (and sub-subcommand: `herald cache clear`, `herald user create`; a group
//! such as `herald user` may be named alone) and only flags that command accepts, read
//! from clap's `Command` of the binary.

use super::documents::{code_in, documents};
use clap::CommandFactory;
use herald::commands::config::Cli;

#[test]
fn every_herald_command_in_the_documents_has_its_subcommand_and_flags() {
    let cli = Cli::command();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (file, text) in documents() {
        for code in code_in(&text) {
            for command in herald_commands(&code) {
                checked += 1;
                if let Some(problem) = problem(&cli, &command) {
                    wrong.push(format!("{file}: `{}`: {problem}", command.join(" ")));
                }
            }
        }
    }
    assert!(checked > 10, "only {checked} herald commands found");
    assert!(wrong.is_empty(), "commands that do not exist as written:\n{}", wrong.join("\n"));
}

#[test]
fn a_missing_subcommand_or_flag_is_reported() {
    let cli = Cli::command();
    let check = |code: &str| {
        let commands = herald_commands(code);
        assert_eq!(commands.len(), 1, "{code}: {commands:?}");
        problem(&cli, &commands[0])
    };
    assert_eq!(check("/usr/local/bin/herald backup --to x.db && find"), None);
    assert_eq!(check("sudo -u herald herald serve [--demo]"), None);
    assert_eq!(check("herald user create --email a@b --name A"), None);
    assert_eq!(check("herald serve --demo-mode").as_deref(), Some("no flag `--demo-mode`"));
    assert_eq!(check("herald serv").as_deref(), Some("no subcommand `serv`"));
    assert_eq!(check("herald user"), None, "a group of commands may be named");
    let flag_on_group = check("herald user --email a@b");
    assert_eq!(flag_on_group.as_deref(), Some("no subcommand `--email`"));
    assert!(herald_commands(
        "useradd --home-dir /var/lib/herald --shell x; createdb -O herald herald_x"
    )
    .is_empty());
}

/// The `herald …` invocations in a piece of code, as words up to a shell separator.
fn herald_commands(code: &str) -> Vec<Vec<String>> {
    let words: Vec<&str> = code.split_whitespace().collect();
    let mut found = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let is_herald = *word == "herald" || word.ends_with("/herald");
        let next = words.get(i + 1).copied().unwrap_or_default();
        let subcommand =
            !next.is_empty() && next.chars().all(|c| c.is_ascii_lowercase() || c == '-');
        if !is_herald || !subcommand || next == "herald" || next.starts_with('-') {
            continue;
        }
        let command = words[i + 1..]
            .iter()
            .take_while(|w| !["&&", "||", "|", ";", "#"].contains(w) && !w.ends_with(';'))
            .map(|w| w.trim_matches(['[', ']']).to_owned())
            .collect();
        found.push(command);
    }
    found
}

/// What is not in the binary about `command` (the words after `herald`), if anything.
fn problem(cli: &clap::Command, command: &[String]) -> Option<String> {
    let mut current = cli;
    let mut words = command.iter().peekable();
    while current.has_subcommands() {
        let Some(name) = words.next() else {
            return None; // `herald user`: the group of commands
        };
        if name.starts_with(['…', '<']) || name == "..." {
            return None; // `herald user …`: any of them
        }
        current = match current.find_subcommand(name) {
            Some(sub) => sub,
            None => return Some(format!("no subcommand `{name}`")),
        };
    }
    let flags: Vec<&str> = current.get_arguments().filter_map(|a| a.get_long()).collect();
    words
        .filter_map(|w| w.strip_prefix("--"))
        .map(|w| w.split('=').next().unwrap_or_default())
        .find(|flag| !flags.contains(flag) && !["help", "version"].contains(flag))
        .map(|flag| format!("no flag `--{flag}`"))
}
