//! Who a call acts for: [`Profile`] (the primary profile or a User Profile's key, plus
//! the caller's X credentials when the call touches X), [`XCredentials`] and
//! [`Secret`], a string whose `Debug` never shows it whole.
//!
//! Since 31 March 2026 every Ayrshare call that touches X needs the caller's own X
//! app credentials in `X-Twitter-OAuth1-Api-Key` / `X-Twitter-OAuth1-Api-Secret`
//! (research note §2). They travel per call, like the profile key, because a service
//! such as Herald holds one pair per workspace.

use std::fmt;

use crate::redact;

/// Header carrying the X app's API key (consumer key).
pub const X_API_KEY_HEADER: &str = "X-Twitter-OAuth1-Api-Key";
/// Header carrying the X app's API secret (consumer secret).
pub const X_API_SECRET_HEADER: &str = "X-Twitter-OAuth1-Api-Secret";

/// A secret string (private key, API secret). `Debug` shows only a short prefix;
/// [`Secret::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty (or only whitespace).
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", redact::prefix(&self.0, 4))
    }
}

/// An X (Twitter) developer app's credentials, sent with every call that touches X.
#[derive(Clone, PartialEq, Eq)]
pub struct XCredentials {
    /// The app's API key (consumer key).
    pub api_key: Secret,
    /// The app's API secret (consumer secret).
    pub api_secret: Secret,
}

impl XCredentials {
    /// Credentials from an API key and secret.
    pub fn new(api_key: impl Into<Secret>, api_secret: impl Into<Secret>) -> Self {
        XCredentials { api_key: api_key.into(), api_secret: api_secret.into() }
    }
}

impl fmt::Debug for XCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XCredentials")
            .field("api_key", &self.api_key)
            .field("api_secret", &"...")
            .finish()
    }
}

/// The profile a call acts for, and the X credentials it carries.
///
/// ```
/// use ayrshare::{Profile, XCredentials};
/// let x = XCredentials::new("x-key", "x-secret");
/// let primary = Profile::primary();
/// let user = Profile::new("PROFILE-KEY").with_x(&x);
/// assert!(primary.key.is_empty() && user.x.is_some());
/// ```
#[derive(Clone, Copy, Default)]
pub struct Profile<'a> {
    /// The User Profile's key; empty means the primary profile (no `Profile-Key`).
    pub key: &'a str,
    /// X credentials, sent as the two `X-Twitter-OAuth1-*` headers when set.
    pub x: Option<&'a XCredentials>,
}

impl<'a> Profile<'a> {
    /// The primary profile, without X credentials.
    pub fn primary() -> Self {
        Profile { key: "", x: None }
    }

    /// The User Profile with this key (empty: the primary profile).
    pub fn new(key: &'a str) -> Self {
        Profile { key, x: None }
    }

    /// The same profile, sending these X credentials.
    pub fn with_x(self, x: &'a XCredentials) -> Self {
        Profile { x: Some(x), ..self }
    }

    /// Every secret this profile sends, for scrubbing server-echoed text.
    pub(crate) fn secrets(&self) -> [&'a str; 3] {
        match self.x {
            Some(x) => [self.key, x.api_key.expose(), x.api_secret.expose()],
            None => [self.key, "", ""],
        }
    }
}

impl fmt::Debug for Profile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("key", &redact::profile(self.key))
            .field("x", &self.x.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret_whole() {
        let x = XCredentials::new("XKEY-1234567890", "XSECRET-1234567890");
        let profile = Profile::new("PROFILE-KEY-1234567890").with_x(&x);
        let shown = format!("{x:?} {profile:?} {:?}", Secret::new("-----BEGIN RSA PRIVATE KEY"));
        for secret in ["XKEY-1234567890", "XSECRET", "PROFILE-KEY-1234567890", "RSA PRIVATE"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }

    #[test]
    fn primary_is_the_empty_key_without_credentials() {
        let primary = Profile::primary();
        assert_eq!(primary.key, "");
        assert!(primary.x.is_none());
        assert_eq!(Profile::new("").secrets(), ["", "", ""]);
    }
}
