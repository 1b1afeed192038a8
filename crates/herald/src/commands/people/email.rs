//! E-mail addresses as Herald takes them: a bare `local@domain` (a dot-atom local part
//! and a host name), in the lowercased form they are stored and looked up in, so that the
//! address stored and shown is the one mail goes to (issue 19, N14).

use crate::coherence::error::{AppError, AppResult};
use crate::foundation::domain::people::normal_email;

/// An e-mail address as stored (its [`normal_email`] form, which sign-in looks addresses
/// up by), or 422 `email`: a bare `local@domain` only — no display name, brackets,
/// quotes, commas or spaces — so the address stored and shown is the one mail goes to.
pub fn check_email(raw: &str) -> AppResult<String> {
    let email = normal_email(raw.trim());
    let ok = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| bare_local(local) && bare_domain(domain));
    ok.then_some(email).ok_or_else(|| {
        AppError::invalid("email", "Give a bare e-mail address, such as name@example.com.")
    })
}

/// A dot-atom local part (RFC 5322 `atext` and single inner dots).
fn bare_local(local: &str) -> bool {
    let atext = |c: char| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    local.len() <= 64 && local.split('.').all(|p| !p.is_empty() && p.chars().all(atext))
}

/// A host name of two or more labels (letters, digits, inner hyphens).
fn bare_domain(domain: &str) -> bool {
    let label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    domain.contains('.') && domain.split('.').all(label)
}

#[cfg(test)]
mod tests {
    use super::check_email;

    #[test]
    fn bare_addresses_are_taken_in_lower_case() {
        assert_eq!(
            check_email(" Ann.Lee+news@Example.COM ").ok().as_deref(),
            Some("ann.lee+news@example.com")
        );
        assert!(check_email("o'neil@mail.example.co.uk").is_ok());
    }

    #[test]
    fn display_names_brackets_lists_and_spaces_are_refused() {
        for bad in [
            "x<attacker@evil.example>",
            "Ann <ann@example.com>",
            "<ann@example.com>",
            "a@b.c,attacker@evil.example",
            "ann lee@example.com",
            "\"ann\"@example.com",
            "ann@example",
            "ann@@example.com",
            "ann@-example.com",
            ".ann@example.com",
            "ann..lee@example.com",
            "ann@example.com.",
            "ann@[127.0.0.1]",
            "ann(comment)@example.com",
        ] {
            assert!(check_email(bad).is_err(), "{bad} was taken");
        }
    }
}
