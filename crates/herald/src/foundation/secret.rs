//! A string that must never be shown whole: API keys, profile keys, tokens, secrets.
//!
//! `Debug` and `Display` print only a short hint, so a secret that ends up in a log line,
//! an error or a derived `Debug` of a config struct leaks nothing usable.

use std::fmt;

/// No `PartialEq`: secrets are compared in constant time ([`crate::gate::auth::secrets_equal`]).
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The whole value, for the one place that must send it (an HTTP header, a hash).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A recognisable prefix followed by `...`: the first 8 characters of a long
    /// secret, proportionally fewer of a short one, so the hint never reveals most of it.
    pub fn hint(&self) -> String {
        hint(&self.0)
    }
}

/// The hint of any secret-bearing string (see [`Secret::hint`]).
pub fn hint(value: &str) -> String {
    let len = value.chars().count();
    let shown = if len >= 16 { 8 } else { len / 4 };
    let prefix: String = value.chars().take(shown).collect();
    format!("{prefix}...")
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.hint())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hint())
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

/// `#[serde(with = "crate::foundation::secret::exposed")]`: the whole value, for the one place a
/// secret is stored as data (the shared cache tier, which already holds it in Redis).
pub mod exposed {
    use super::Secret;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(secret: &Secret, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(secret.expose())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_show_only_a_hint() {
        let s = Secret::new("PK-1234567890abcdefghij");
        assert_eq!(format!("{s:?}"), "Secret(PK-12345...)");
        assert_eq!(s.to_string(), "PK-12345...");
        assert_eq!(Secret::new("short").hint(), "s...");
        assert_eq!(Secret::new("").hint(), "...");
    }
}
