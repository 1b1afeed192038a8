//! Redaction of secrets (API key, profile keys) for `Debug`, logs and error text.
//!
//! The rule everywhere: show at most a short prefix followed by `...`, and
//! never more than half of the secret, so a short key is never printed whole.

/// `secret` reduced to its first `n` characters plus `...`.
///
/// When the secret has `2 * n` characters or fewer, only `...` is returned.
pub(crate) fn prefix(secret: &str, n: usize) -> String {
    if secret.chars().count() <= 2 * n {
        return "...".to_owned();
    }
    let mut out: String = secret.chars().take(n).collect();
    out.push_str("...");
    out
}

/// How a profile key appears in log lines: `primary` when empty, else 8 chars + `...`.
pub(crate) fn profile(profile_key: &str) -> String {
    if profile_key.is_empty() {
        "primary".to_owned()
    } else {
        prefix(profile_key, 8)
    }
}

/// `text` with every occurrence of each non-empty secret replaced by its redacted form.
///
/// Used on messages that come back from the server, which could echo a key.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        if out.contains(*secret) {
            out = out.replace(*secret, &prefix(secret, 4));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_shows_only_the_start_of_long_secrets() {
        assert_eq!(prefix("2MPXPKQ-S03M5LS-GR5RX5G", 4), "2MPX...");
        assert_eq!(prefix("short", 4), "...");
        assert_eq!(prefix("", 4), "...");
    }

    #[test]
    fn profile_is_primary_when_empty() {
        assert_eq!(profile(""), "primary");
        assert_eq!(profile("ABCDEFGH-1234-5678"), "ABCDEFGH...");
    }

    #[test]
    fn scrub_replaces_echoed_secrets() {
        let s = scrub("Profile Key PK-123456789 not valid", &["PK-123456789", ""]);
        assert_eq!(s, "Profile Key PK-1... not valid");
    }
}
