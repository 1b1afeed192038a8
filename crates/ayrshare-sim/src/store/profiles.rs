//! User profiles: the primary profile (no Profile-Key) and the profiles selected by a
//! `Profile-Key`, created through `POST /profiles` or, when lenient, on first use.
//! Each has the set of networks linked to it (empty when created) and the time each
//! was linked.

use std::collections::{BTreeMap, HashMap};

use ayrshare::Platform;
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
    /// Linked networks and when each was linked.
    pub(crate) linked: BTreeMap<Platform, DateTime<Utc>>,
    /// Creation order, for listing and as the `GET /profiles` cursor.
    pub(crate) seq: u64,
}

/// Why a profile could not be created.
#[derive(Debug)]
pub(crate) enum CreateError {
    /// Another profile already has this title (Ayrshare code 146).
    DuplicateTitle,
    /// No profile has this key.
    Unknown,
}

/// The `GET /profiles` filters.
#[derive(Debug, Default)]
pub(crate) struct ProfileFilter {
    pub(crate) title: Option<String>,
    pub(crate) ref_id: Option<String>,
    /// `Some(true)`: only profiles with a linked network; `Some(false)`: only without.
    pub(crate) has_active: Option<bool>,
    /// Only profiles created after the one with this sequence number.
    pub(crate) after: u64,
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
        let profile = Profile {
            title,
            ref_id: ref_id(key),
            created: Utc::now(),
            linked: BTreeMap::new(),
            seq: self.next_seq,
        };
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

    /// A known profile.
    pub(crate) fn get(&self, key: &str) -> Option<&Profile> {
        self.by_key.get(key)
    }

    /// Whether `title` is free (case-insensitively), ignoring the profile `except`.
    fn title_free(&self, title: &str, except: &str) -> bool {
        !self
            .by_key
            .iter()
            .any(|(k, p)| k != PRIMARY && k != except && p.title.eq_ignore_ascii_case(title))
    }

    /// `POST /profiles`: a new profile with a fresh key; titles are unique.
    pub(crate) fn create(&mut self, title: &str) -> Result<(String, ProfileView), CreateError> {
        if !self.title_free(title, PRIMARY) {
            return Err(CreateError::DuplicateTitle);
        }
        let key = new_profile_key();
        let profile = self.insert(&key, title.to_string());
        let view = ProfileView { title: profile.title.clone(), ref_id: profile.ref_id.clone() };
        Ok((key, view))
    }

    /// The key of the profile titled `title` (case-insensitively), if any.
    pub(crate) fn key_titled(&self, title: &str) -> Option<String> {
        self.by_key
            .iter()
            .find(|(k, p)| k.as_str() != PRIMARY && p.title.eq_ignore_ascii_case(title))
            .map(|(k, _)| k.clone())
    }

    /// A profile with the harness's chosen `key` (kept if it exists); false when the key
    /// is the primary's or the title belongs to another profile.
    pub(crate) fn with_key(&mut self, key: &str, title: &str) -> bool {
        if key == PRIMARY || key.trim().is_empty() {
            return false;
        }
        if self.by_key.contains_key(key) {
            return true;
        }
        if !self.title_free(title, key) {
            return false;
        }
        self.insert(key, title.to_string());
        true
    }

    /// The key of the profile titled `title`, creating that profile if none is.
    pub(crate) fn titled_or_new(&mut self, title: &str) -> String {
        if let Some(key) = self.key_titled(title) {
            return key;
        }
        let key = new_profile_key();
        self.insert(&key, title.to_string());
        key
    }

    /// Renames a profile; its `refId`.
    pub(crate) fn rename(&mut self, key: &str, title: &str) -> Result<String, CreateError> {
        if !self.by_key.contains_key(key) || key == PRIMARY {
            return Err(CreateError::Unknown);
        }
        if !self.title_free(title, key) {
            return Err(CreateError::DuplicateTitle);
        }
        let profile = self.by_key.get_mut(key).ok_or(CreateError::Unknown)?;
        profile.title = title.to_string();
        Ok(profile.ref_id.clone())
    }

    /// Deletes a User Profile (never the primary); its `refId`.
    pub(crate) fn delete(&mut self, key: &str) -> Option<String> {
        if key == PRIMARY {
            return None;
        }
        self.by_key.remove(key).map(|p| p.ref_id)
    }

    /// Links or unlinks `platforms`; the ones whose state changed. `None` for an
    /// unknown profile.
    pub(crate) fn link(
        &mut self,
        key: &str,
        platforms: &[Platform],
        linked: bool,
        now: DateTime<Utc>,
    ) -> Option<Vec<Platform>> {
        let profile = self.by_key.get_mut(key)?;
        let mut changed = Vec::new();
        for platform in platforms {
            let did = if linked {
                profile.linked.insert(*platform, now).is_none()
            } else {
                profile.linked.remove(platform).is_some()
            };
            if did && !changed.contains(platform) {
                changed.push(*platform);
            }
        }
        Some(changed)
    }

    /// Whether `platform` is linked to the profile.
    pub(crate) fn is_linked(&self, key: &str, platform: Platform) -> bool {
        self.by_key.get(key).is_some_and(|p| p.linked.contains_key(&platform))
    }

    /// `GET /profiles` entries matching `filter` (never the primary, never the keys),
    /// oldest first, at most `limit`; and whether more follow.
    pub(crate) fn list(&self, filter: &ProfileFilter, limit: usize) -> (Vec<(u64, Value)>, bool) {
        let mut profiles: Vec<&Profile> = self
            .by_key
            .iter()
            .filter(|(k, _)| k.as_str() != PRIMARY)
            .map(|(_, p)| p)
            .filter(|p| p.seq > filter.after && filter.keeps(p))
            .collect();
        profiles.sort_by_key(|p| p.seq);
        let more = profiles.len() > limit;
        let page = profiles.into_iter().take(limit).map(|p| (p.seq, listed(p))).collect();
        (page, more)
    }

    /// Creation time of a known profile.
    pub(crate) fn created(&self, key: &str) -> Option<DateTime<Utc>> {
        self.by_key.get(key).map(|p| p.created)
    }
}

impl ProfileFilter {
    fn keeps(&self, p: &Profile) -> bool {
        self.title.as_ref().is_none_or(|t| p.title.eq_ignore_ascii_case(t))
            && self.ref_id.as_ref().is_none_or(|r| &p.ref_id == r)
            && self.has_active.is_none_or(|active| active != p.linked.is_empty())
    }
}

/// One `GET /profiles` entry.
fn listed(p: &Profile) -> Value {
    let mut entry = json!({
        "status": "active", "title": p.title, "refId": p.ref_id,
        "created": timestamp_object(p.created), "createdUTC": iso(p.created),
    });
    if !p.linked.is_empty() {
        entry["activeSocialAccounts"] = json!(p.linked.keys().collect::<Vec<_>>());
    }
    entry
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
        let (key, _) = profiles.create("Acme").expect("created");
        assert!(matches!(profiles.create("acme"), Err(CreateError::DuplicateTitle)));
        assert_eq!(profiles.key_titled("ACME"), Some(key.clone()));
        assert!(profiles.rename(&key, "acme").is_ok(), "its own title is free");
    }

    #[test]
    fn linking_reports_only_changes() {
        let mut profiles = Profiles::default();
        let now = Utc::now();
        let twice = [Platform::Twitter, Platform::Twitter];
        assert_eq!(profiles.link(PRIMARY, &twice, true, now), Some(vec![Platform::Twitter]));
        assert_eq!(profiles.link(PRIMARY, &[Platform::Twitter], true, now), Some(vec![]));
        assert!(profiles.is_linked(PRIMARY, Platform::Twitter));
        assert_eq!(profiles.link("nope", &[Platform::Twitter], true, now), None);
        profiles.link(PRIMARY, &[Platform::Twitter], false, now);
        assert!(!profiles.is_linked(PRIMARY, Platform::Twitter));
    }

    #[test]
    fn list_filters_and_pages() {
        let mut profiles = Profiles::default();
        let (a, _) = profiles.create("A").expect("created");
        profiles.create("B").expect("created");
        profiles.link(&a, &[Platform::Facebook], true, Utc::now());
        let active = ProfileFilter { has_active: Some(true), ..ProfileFilter::default() };
        let (page, more) = profiles.list(&active, 10);
        assert_eq!((page.len(), more), (1, false));
        assert_eq!(page[0].1["activeSocialAccounts"], json!(["facebook"]));
        let (first, more) = profiles.list(&ProfileFilter::default(), 1);
        assert!(more);
        let next = ProfileFilter { after: first[0].0, ..ProfileFilter::default() };
        assert_eq!(profiles.list(&next, 1).0[0].1["title"], "B");
    }
}
