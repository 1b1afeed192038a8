//! User profiles: the primary profile (no Profile-Key) and the profiles selected by a
//! `Profile-Key`, created through `POST /profiles` or, unless strict, on first use.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::platforms::new_profile_key;
use crate::post::{iso, timestamp_object};
use crate::profile::ProfileView;

/// Internal id of the primary profile. Other profiles are keyed by their profile key,
/// which is never empty, so the two cannot collide.
pub(crate) const PRIMARY: &str = "";

/// One profile.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub(crate) title: String,
    /// Stable per-profile hash, as Ayrshare's `refId`.
    pub(crate) ref_id: String,
    pub(crate) created: DateTime<Utc>,
    /// Creation order, for listing.
    seq: u64,
}

/// Why a profile could not be created.
#[derive(Debug)]
pub(crate) enum CreateError {
    /// Another profile already has this title (Ayrshare code 146).
    DuplicateTitle,
}

/// All profiles, keyed by internal id ([`PRIMARY`] or the profile key).
#[derive(Debug)]
pub(crate) struct Profiles {
    by_key: HashMap<String, Profile>,
    next_seq: u64,
}

impl Default for Profiles {
    fn default() -> Self {
        let mut profiles = Profiles { by_key: HashMap::new(), next_seq: 0 };
        profiles.insert(PRIMARY, "Primary Profile".to_string());
        profiles
    }
}

/// A 40-hex-digit reference id derived from the profile's internal id.
fn ref_id(key: &str) -> String {
    let digest = Sha256::digest(format!("ayrshare-sim/refId/{key}").as_bytes());
    hex::encode(digest)[..40].to_string()
}

impl Profiles {
    fn insert(&mut self, key: &str, title: String) -> &Profile {
        self.next_seq += 1;
        let profile =
            Profile { title, ref_id: ref_id(key), created: Utc::now(), seq: self.next_seq };
        self.by_key.entry(key.to_string()).or_insert(profile)
    }

    /// The profile a request acts on: `None` (no Profile-Key) is the primary profile.
    /// An unknown key is created when `create` is true, else the answer is `None`.
    pub(crate) fn resolve(
        &mut self,
        header_key: Option<&str>,
        create: bool,
    ) -> Option<(String, ProfileView)> {
        let key = header_key.unwrap_or(PRIMARY);
        if !self.by_key.contains_key(key) {
            if !create {
                return None;
            }
            let hint: String = key.chars().take(7).collect();
            self.insert(key, format!("Profile {hint}"));
        }
        let view = self.view(key)?;
        Some((key.to_string(), view))
    }

    /// The view of a known profile.
    pub(crate) fn view(&self, key: &str) -> Option<ProfileView> {
        let profile = self.by_key.get(key)?;
        Some(ProfileView { title: profile.title.clone(), ref_id: profile.ref_id.clone() })
    }

    /// `POST /profiles`: a new profile with a fresh key; titles are unique.
    pub(crate) fn create(&mut self, title: &str) -> Result<(String, ProfileView), CreateError> {
        let taken =
            self.by_key.iter().any(|(k, p)| k != PRIMARY && p.title.eq_ignore_ascii_case(title));
        if taken {
            return Err(CreateError::DuplicateTitle);
        }
        let key = new_profile_key();
        let profile = self.insert(&key, title.to_string());
        let view = ProfileView { title: profile.title.clone(), ref_id: profile.ref_id.clone() };
        Ok((key, view))
    }

    /// `GET /profiles` entries (never the primary, never the keys), oldest first.
    pub(crate) fn list(&self) -> Vec<Value> {
        let mut profiles: Vec<&Profile> =
            self.by_key.iter().filter(|(k, _)| k.as_str() != PRIMARY).map(|(_, p)| p).collect();
        profiles.sort_by_key(|p| p.seq);
        profiles
            .into_iter()
            .map(|p| {
                json!({
                    "status": "active", "title": p.title, "refId": p.ref_id,
                    "created": timestamp_object(p.created), "createdUTC": iso(p.created),
                })
            })
            .collect()
    }

    /// Creation time of a known profile.
    pub(crate) fn created(&self, key: &str) -> Option<DateTime<Utc>> {
        self.by_key.get(key).map(|p| p.created)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_ids_are_stable_and_distinct() {
        assert_eq!(ref_id("a"), ref_id("a"));
        assert_ne!(ref_id("a"), ref_id("b"));
        assert_eq!(ref_id("a").len(), 40);
    }

    #[test]
    fn unknown_keys_are_created_only_when_allowed() {
        let mut profiles = Profiles::default();
        assert!(profiles.resolve(Some("KEY-1"), false).is_none());
        let (id, _) = profiles.resolve(Some("KEY-1"), true).expect("created");
        assert_eq!(id, "KEY-1");
        assert!(profiles.resolve(Some("KEY-1"), false).is_some());
        assert_eq!(profiles.resolve(None, false).map(|(id, _)| id), Some(PRIMARY.to_string()));
    }

    #[test]
    fn titles_are_unique() {
        let mut profiles = Profiles::default();
        assert!(profiles.create("Acme").is_ok());
        assert!(matches!(profiles.create("acme"), Err(CreateError::DuplicateTitle)));
    }
}
