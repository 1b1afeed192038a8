//! Account-level answer and request types: User Profiles (`/profiles`), the
//! profile's details and linked networks (`/user`) and the social-linking URL
//! (`/profiles/generateJWT`). Every type holding a key redacts it in `Debug`.

use std::fmt;
use std::time::Duration;

use crate::credentials::{Secret, XCredentials};
use crate::redact;

/// One User Profile from `GET /profiles` (profile keys are never listed).
#[derive(Debug, Clone)]
pub struct ProfileSummary {
    /// Unique title.
    pub title: String,
    /// Stable reference id.
    pub ref_id: Option<String>,
    /// `active` or `suspended`.
    pub status: Option<String>,
    /// Networks linked to the profile (`activeSocialAccounts`), when listed.
    pub active_social_accounts: Vec<String>,
}

/// Filters of `GET /profiles`; `None` means no filter.
#[derive(Debug, Clone, Default)]
pub struct ProfileFilter {
    /// Only the profile with this title.
    pub title: Option<String>,
    /// Only the profile with this reference id.
    pub ref_id: Option<String>,
}

/// Answer of `POST /profiles`. The profile key is returned only here: store it.
#[derive(Clone)]
pub struct CreatedProfile {
    /// Title as stored by Ayrshare.
    pub title: String,
    /// Stable reference id.
    pub ref_id: Option<String>,
    /// Secret key for the `Profile-Key` header. Redacted in `Debug`.
    pub profile_key: String,
}

impl fmt::Debug for CreatedProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedProfile")
            .field("title", &self.title)
            .field("ref_id", &self.ref_id)
            .field("profile_key", &redact::prefix(&self.profile_key, 4))
            .finish()
    }
}

/// `GET /user`: the profile's details and the networks linked to it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserDetails {
    /// Linked networks' wire ids (`activeSocialAccounts`; absent on the wire when none).
    pub active_social_accounts: Vec<String>,
    /// One entry per linked account.
    pub display_names: Vec<DisplayName>,
    /// The profile's reference id.
    pub ref_id: Option<String>,
    /// `Primary Profile` for the primary, else the profile's title.
    pub title: Option<String>,
    /// Creation time (UTC ISO), from a string or a Firestore timestamp.
    pub created: Option<String>,
}

/// One linked account of `GET /user` (`displayNames[]`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DisplayName {
    /// Network wire id.
    pub platform: String,
    /// The account's display name.
    pub display_name: Option<String>,
    /// The account's handle.
    pub username: Option<String>,
    /// Avatar URL.
    pub user_image: Option<String>,
    /// Public profile URL.
    pub profile_url: Option<String>,
    /// The network's id of the account.
    pub id: Option<String>,
}

/// Body of `POST /profiles/generateJWT`: a linking URL for one User Profile.
#[derive(Clone)]
pub struct JwtRequest {
    /// The domain given at onboarding.
    pub domain: String,
    /// The integration package's private key (PEM text).
    pub private_key: Secret,
    /// The User Profile to link networks to (never the API key).
    pub profile_key: String,
    /// X app credentials for linking X; sent as `twitterApiKey` / `twitterApiSecret`
    /// body fields on this one endpoint.
    pub x: Option<XCredentials>,
}

impl fmt::Debug for JwtRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtRequest")
            .field("domain", &self.domain)
            .field("private_key", &self.private_key)
            .field("profile_key", &redact::profile(&self.profile_key))
            .field("x", &self.x)
            .finish()
    }
}

/// Answer of `POST /profiles/generateJWT`. The URL embeds the token, so `Debug`
/// shows neither whole.
#[derive(Clone)]
pub struct Jwt {
    /// The social-linking page to send the user to.
    pub url: String,
    /// The JWT itself.
    pub token: Secret,
    /// How long the URL stays valid (`expiresIn`, e.g. `"5m"`), when given.
    pub expires_in: Option<Duration>,
}

impl fmt::Debug for Jwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwt")
            .field("url", &redact::prefix(&self.url, 12))
            .field("token", &self.token)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}
