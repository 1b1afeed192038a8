//! The records of people: users, their memberships in workspaces, their sessions and the
//! invitations that bring them in, and a workspace's own X (Twitter) credentials. Plain
//! data, serialisable whole for the shared cache tier; what clients see is built from
//! them elsewhere (never a password hash, never a credential).

use super::actor::Actor;
use super::status::Role;
use crate::foundation::secret::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A person. `email` is unique and compared case-insensitively: storage keeps it in
/// [`normal_email`] form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    /// May administer every workspace and create new ones.
    pub global_admin: bool,
    /// Wants notifications by e-mail too (the default).
    #[serde(default = "yes")]
    pub notify_email: bool,
    pub created_at: DateTime<Utc>,
}

fn yes() -> bool {
    true
}

/// The form an e-mail address is stored and looked up in: lowercased, so addresses that
/// differ only in case are one address.
pub fn normal_email(email: &str) -> String {
    email.to_lowercase()
}

/// A user with their password hash, as stored. A user invited but not yet set up may have
/// no password. `Debug` leaves the hash out.
#[derive(Clone, Serialize, Deserialize)]
pub struct UserRecord {
    pub user: User,
    pub password_hash: Option<String>,
}

impl fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hash = self.password_hash.as_ref().map(|_| "<redacted>");
        f.debug_struct("UserRecord")
            .field("user", &self.user)
            .field("password_hash", &hash)
            .finish()
    }
}

/// A user's role in one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub workspace_id: String,
    pub user_id: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

/// One line of a workspace's member listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user: User,
    pub role: Role,
}

/// A signed-in session, as stored: only the SHA-256 (hex) of its secret, which the
/// cookie carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub id_hash: String,
    pub user_id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    /// The client address it signed in from (behind a trusted proxy, the forwarded one).
    #[serde(default)]
    pub client_ip: Option<String>,
}

/// An invitation to join a workspace with a role, accepted once through a secret whose
/// hash only is stored. Open while neither accepted nor withdrawn; usable while open and
/// before `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub workspace_id: String,
    /// Stored in [`normal_email`] form, like a user's.
    pub email: String,
    pub role: Role,
    pub token_hash: String,
    /// The actor who invited (a person, a token, the admin token).
    pub invited_by: Actor,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Invitation {
    /// Neither accepted nor withdrawn, and not expired at `now`.
    pub fn usable_at(&self, now: DateTime<Utc>) -> bool {
        self.accepted_at.is_none() && self.withdrawn_at.is_none() && now < self.expires_at
    }
}

/// A workspace's own X (Twitter) OAuth1 credentials, sent with its Ayrshare calls that
/// touch X. Serialised whole only for the shared cache tier, like the profile key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct XCredentials {
    #[serde(with = "crate::foundation::secret::exposed")]
    pub api_key: Secret,
    #[serde(with = "crate::foundation::secret::exposed")]
    pub api_secret: Secret,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn user() -> User {
        User {
            id: "u1".into(),
            email: "ann@example.com".into(),
            name: "Ann".into(),
            global_admin: false,
            notify_email: true,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_user_record_debug_leaves_the_password_hash_out() {
        let record = UserRecord { user: user(), password_hash: Some("$argon2id$secret".into()) };
        let shown = format!("{record:?}");
        assert!(!shown.contains("argon2id"), "{shown}");
        assert!(shown.contains("<redacted>") && shown.contains("ann@example.com"), "{shown}");
    }

    #[test]
    fn a_cached_user_without_notify_email_wants_e_mail() {
        let mut json = serde_json::to_value(user()).unwrap();
        json.as_object_mut().unwrap().remove("notify_email");
        assert!(serde_json::from_value::<User>(json).unwrap().notify_email);
    }

    #[test]
    fn e_mail_addresses_differing_in_case_are_one_address() {
        assert_eq!(normal_email("Ann.Lee@Example.COM"), normal_email("ann.lee@example.com"));
    }

    #[test]
    fn an_invitation_is_usable_only_while_open_and_unexpired() {
        let now = Utc::now();
        let open = Invitation {
            id: "i1".into(),
            workspace_id: "w1".into(),
            email: "ann@example.com".into(),
            role: Role::Editor,
            token_hash: "h".into(),
            invited_by: "user:u0".into(),
            created_at: now,
            expires_at: now + Duration::days(7),
            accepted_at: None,
            withdrawn_at: None,
        };
        assert!(open.usable_at(now));
        assert!(!open.usable_at(open.expires_at));
        assert!(!Invitation { accepted_at: Some(now), ..open.clone() }.usable_at(now));
        assert!(!Invitation { withdrawn_at: Some(now), ..open }.usable_at(now));
    }
}
