//! Just enough of Rust's lexical grammar to read module references out of source text:
//! comments, string and character literals are blanked (a string that is itself a
//! `crate::` path, as in `#[serde(with = "crate::…")]`, is kept), and `#[cfg(test)]`
//! modules are cut (test-only code may reach anywhere). [`strings_of`] keeps the string
//! literals instead, for rules about what the code writes.

use std::path::Path;

/// Every `.rs` file under `crates/herald/src`: its path relative to `src/`, its text.
pub fn source_files() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    read_tree(&src, &src, &mut files);
    assert!(files.len() > 100, "the source tree was not found at {}", src.display());
    files.sort();
    files
}

fn read_tree(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_tree(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            files.push((relative, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// `text` with comments and literals blanked (newlines kept) and test modules cut.
pub fn code_of(text: &str) -> String {
    without_test_modules(&blanked(text, false))
}

/// `text` with comments blanked and test modules cut, its string literals kept (with
/// their braces and semicolons blanked, so that they cannot end an item early).
pub fn strings_of(text: &str) -> String {
    without_test_modules(&blanked(text, true))
}

fn blanked(text: &str, keep_strings: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let (kept, len) = if rest.starts_with(&['/', '/']) {
            (None, rest.iter().position(|&c| c == '\n').unwrap_or(rest.len()))
        } else if rest.starts_with(&['/', '*']) {
            (None, block_comment(rest))
        } else if let Some(len) = string(rest, i == 0 || !ident_char(chars[i - 1])) {
            let body: String = rest[..len].iter().collect();
            let path = body.trim_start_matches(['r', 'b', '#', '"']).starts_with("crate::");
            let kept = body.replace(['{', '}', ';'], " ");
            (if keep_strings { Some(kept) } else { path.then_some(body) }, len)
        } else if rest[0] == '\'' {
            (None, char_literal(rest).unwrap_or(1))
        } else {
            (Some(rest[0].to_string()), 1)
        };
        match kept {
            Some(s) => out.push_str(&s),
            None => rest[..len].iter().for_each(|&c| out.push(if c == '\n' { '\n' } else { ' ' })),
        }
        i += len;
    }
    out
}

fn block_comment(rest: &[char]) -> usize {
    let (mut depth, mut i) = (0, 0);
    while i < rest.len() {
        if rest[i..].starts_with(&['/', '*']) {
            depth += 1;
            i += 2;
        } else if rest[i..].starts_with(&['*', '/']) {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    rest.len()
}

/// The length of the string literal (`"…"`, `b"…"`, `r#"…"#`, `br"…"`) `rest` opens.
fn string(rest: &[char], at_boundary: bool) -> Option<usize> {
    let mut i = 0;
    if at_boundary && rest.first() == Some(&'b') {
        i += 1;
    }
    let raw = at_boundary && rest.get(i) == Some(&'r');
    if raw {
        i += 1;
        let hashes = rest[i..].iter().take_while(|&&c| c == '#').count();
        i += hashes;
        if rest.get(i) != Some(&'"') {
            return None;
        }
        let close: Vec<char> =
            std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
        let end = (i + 1..rest.len()).find(|&j| rest[j..].starts_with(&close))?;
        return Some(end + close.len());
    }
    if rest.get(i) != Some(&'"') {
        return None;
    }
    let mut j = i + 1;
    while j < rest.len() && rest[j] != '"' {
        j += if rest[j] == '\\' { 2 } else { 1 };
    }
    Some((j + 1).min(rest.len()))
}

/// The length of the character literal `rest` opens, or `None` for a lifetime.
fn char_literal(rest: &[char]) -> Option<usize> {
    if rest.get(1) == Some(&'\\') {
        return (3..rest.len().min(12)).find(|&j| rest[j] == '\'').map(|j| j + 1);
    }
    (rest.get(2) == Some(&'\'')).then_some(3)
}

pub fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Cuts each `#[cfg(test)]` module (`mod x { … }` or `mod x;`) from blanked code.
fn without_test_modules(code: &str) -> String {
    let mut out = code.to_owned();
    while let Some(start) = out.find("#[cfg(test)]") {
        let mut end = start + "#[cfg(test)]".len();
        loop {
            let rest = &out[end..];
            let trimmed = rest.trim_start();
            end += rest.len() - trimmed.len();
            if trimmed.starts_with("#[") {
                end += trimmed.find(']').map_or(trimmed.len(), |j| j + 1);
            } else {
                break;
            }
        }
        let item = &out[end..];
        let cut = if item.starts_with("mod ") || item.starts_with("pub mod ") {
            item_end(item)
        } else {
            0 // a test-only function or import: kept (counting more edges is the safe side)
        };
        out.replace_range(start..end + cut, "");
    }
    out
}

/// The length of the item `text` opens: through `;` or its matching `}`.
fn item_end(text: &str) -> usize {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            ';' if depth == 0 => return i + 1,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    text.len()
}
