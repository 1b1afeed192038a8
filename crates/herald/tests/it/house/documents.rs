//! The documents of the repository as text: the `*.md` files at the root and in `docs/`,
//! and the comments of `crates/herald` (its sources and tests), with the code they show.

use std::path::{Path, PathBuf};

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Each document: its path from the root, and its text (a Rust file's comments).
pub fn documents() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in [root(), root().join("docs")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    let crate_dir = root().join("crates/herald");
    rust_files(&crate_dir.join("src"), &mut files);
    rust_files(&crate_dir.join("tests"), &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|path| !path.starts_with(crate_dir.join("tests/it/house")))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let rust = path.extension().is_some_and(|e| e == "rs");
            let shown = path.strip_prefix(root()).unwrap().display().to_string();
            (shown, if rust { comments_of(&text) } else { text })
        })
        .collect()
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The comments of Rust source, as the text they hold (`//! ` and its kin removed).
fn comments_of(source: &str) -> String {
    let mut text = String::new();
    for line in source.lines() {
        let line = line.trim_start();
        let comment = ["//!", "///", "//"].iter().find_map(|p| line.strip_prefix(p));
        if let Some(comment) = comment {
            text.push_str(comment.strip_prefix(' ').unwrap_or(comment));
            text.push('\n');
        }
    }
    text
}

/// The code in `text`: code spans (which may wrap lines), fenced code lines and lines
/// indented by four spaces.
pub fn code_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut prose = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if fenced {
            found.push(line.to_owned());
        } else {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    for (i, piece) in prose.split('`').enumerate() {
        if i % 2 == 1 {
            found.push(piece.to_owned());
        }
    }
    for line in text.lines().filter(|l| l.starts_with("    ") && !l.contains('`')) {
        found.push(line.to_owned());
    }
    found
}
