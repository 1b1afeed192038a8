//! What a post says beyond its one text (API.md "Compose"): a text and first comment per
//! network (`variants`), the default first comment, and alt text per medium. A network's
//! *effective* text is its variant's text, else the post's; its effective first comment
//! likewise. Every check of text runs on each network's effective text and names the
//! variant that fails (`variants.<platform>.text`). All of it is content: changing it is
//! an edit that needs approval again (four eyes).

use super::validate::{self, FieldError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A first comment may be at most this long (it is a reply on X, so the tightest
/// network limit still applies per network).
pub const MAX_FIRST_COMMENT: usize = 2_200;
/// Alt text may be at most this long (X's and Instagram's limit is about 1,000+).
pub const MAX_ALT_TEXT: usize = 1_000;

/// One network's overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_comment: Option<String>,
}

impl Variant {
    fn is_empty(&self) -> bool {
        self.text.is_none() && self.first_comment.is_none()
    }
}

/// One medium of a post: its URL and alt text; `thumbnail_url` (read only) is Herald's
/// own small copy when the file was uploaded to Herald, so the pages can always show it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MediaItem {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    /// Herald's copy of the file, when it was uploaded to Herald (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_url: Option<String>,
}

/// A post's compose fields, as served (flattened into the post object).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Compose {
    /// Per-network overrides, only for networks of the post.
    pub variants: BTreeMap<String, Variant>,
    /// The default first comment.
    pub first_comment: Option<String>,
    /// `media_urls` with their alt text, in the same order.
    pub media: Vec<MediaItem>,
}

/// What storage keeps of [`Compose`] (one JSON column): alt text and Herald's copy keyed
/// by URL, so a `media_urls` list changed elsewhere never pairs a URL with another's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCompose {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variants: BTreeMap<String, Variant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_comment: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub alt_text: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub preview: BTreeMap<String, String>,
}

impl StoredCompose {
    /// The stored form of `c`.
    pub fn of(c: &Compose) -> Self {
        let pick = |f: fn(&MediaItem) -> Option<&String>| {
            c.media.iter().filter_map(|m| Some((m.url.clone(), f(m)?.clone()))).collect()
        };
        Self {
            variants: c.variants.clone(),
            first_comment: c.first_comment.clone(),
            alt_text: pick(|m| m.alt_text.as_ref()),
            preview: pick(|m| m.preview_url.as_ref()),
        }
    }

    /// The served form, for a post whose media are `urls`.
    pub fn into_compose(self, urls: &[String]) -> Compose {
        let media = urls
            .iter()
            .map(|u| MediaItem {
                url: u.clone(),
                alt_text: self.alt_text.get(u).cloned(),
                preview_url: self.preview.get(u).cloned(),
            })
            .collect();
        Compose { variants: self.variants, first_comment: self.first_comment, media }
    }
}

impl Compose {
    /// `platform`'s effective text.
    pub fn text_for<'a>(&'a self, platform: &str, text: &'a str) -> &'a str {
        self.variants.get(platform).and_then(|v| v.text.as_deref()).unwrap_or(text)
    }

    /// `platform`'s effective first comment.
    pub fn first_comment_for(&self, platform: &str) -> Option<&str> {
        let own = self.variants.get(platform).and_then(|v| v.first_comment.as_deref());
        own.or(self.first_comment.as_deref()).filter(|c| !c.trim().is_empty())
    }

    /// Keeps the media items in step with `urls` (same order), alt text and Herald's copy
    /// carried over by URL.
    pub fn align_media(&mut self, urls: &[String]) {
        let stored = StoredCompose::of(self);
        self.media = stored.into_compose(urls).media;
    }
}

/// Checks the text, variants and first comments of a post on `platforms`: each network's
/// effective text within its limit, no variant for a network the post lacks.
pub fn check<P: AsRef<str>>(text: &str, platforms: &[P], c: &Compose) -> Result<(), FieldError> {
    for (platform, variant) in &c.variants {
        if !platforms.iter().any(|p| p.as_ref() == platform) {
            return Err(FieldError::new(
                &format!("variants.{platform}"),
                format!("This post is not for {platform}: remove its version, or add the network."),
            ));
        }
        if variant.is_empty() {
            return Err(FieldError::new(
                &format!("variants.{platform}"),
                "Give this network's own text or first comment, or remove its version.",
            ));
        }
    }
    let shared: Vec<&str> =
        platforms.iter().map(P::as_ref).filter(|p| variant_text(c, p).is_none()).collect();
    validate::text(text, &shared)?;
    for p in platforms.iter().map(P::as_ref) {
        if let Some(own) = variant_text(c, p) {
            let field = format!("variants.{p}.text");
            validate::text(own, &[p]).map_err(|e| e.renamed(&field))?;
        }
    }
    first_comments(platforms, c)?;
    alt_texts(c)
}

fn variant_text<'a>(c: &'a Compose, platform: &str) -> Option<&'a str> {
    c.variants.get(platform).and_then(|v| v.text.as_deref())
}

fn first_comments(platforms: &[impl AsRef<str>], c: &Compose) -> Result<(), FieldError> {
    if let Some(fc) = &c.first_comment {
        comment_text("first_comment", fc, platforms)?;
    }
    for (p, v) in &c.variants {
        if let Some(fc) = &v.first_comment {
            comment_text(&format!("variants.{p}.first_comment"), fc, std::slice::from_ref(p))?;
        }
    }
    Ok(())
}

/// A first comment: no control characters, at most [`MAX_FIRST_COMMENT`] and within the
/// limit of every network it goes to; blank means none.
fn comment_text(field: &str, value: &str, platforms: &[impl AsRef<str>]) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Ok(());
    }
    if value.chars().count() > MAX_FIRST_COMMENT {
        let why = format!("Keep the first comment under {MAX_FIRST_COMMENT} characters.");
        return Err(FieldError::new(field, why));
    }
    validate::text(value, platforms).map_err(|e| e.renamed(field))
}

fn alt_texts(c: &Compose) -> Result<(), FieldError> {
    for (i, m) in c.media.iter().enumerate() {
        let Some(alt) = &m.alt_text else { continue };
        let field = format!("media.{i}.alt_text");
        if alt.chars().count() > MAX_ALT_TEXT {
            let why = format!("Keep the alt text under {MAX_ALT_TEXT} characters.");
            return Err(FieldError::new(&field, why));
        }
        if alt.chars().any(char::is_control) {
            return Err(FieldError::new(&field, "Remove the invisible control characters."));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn with_variant(p: &str, text: &str) -> Compose {
        let mut c = Compose::default();
        let variant = Variant { text: Some(text.into()), first_comment: None };
        c.variants.insert(p.into(), variant);
        c
    }

    #[test]
    fn a_long_text_passes_when_x_has_its_own_short_one() {
        let long = "x".repeat(1_000);
        let c = with_variant("twitter", "short");
        assert!(check(&long, &v(&["linkedin", "twitter"]), &c).is_ok());
        assert_eq!(
            check(&long, &v(&["linkedin", "twitter"]), &Compose::default()).unwrap_err().field,
            "text"
        );
    }

    #[test]
    fn a_variant_too_long_is_named() {
        let c = with_variant("twitter", &"y".repeat(300));
        let e = check("hi", &v(&["linkedin", "twitter"]), &c).unwrap_err();
        assert_eq!(e.field, "variants.twitter.text");
    }

    #[test]
    fn a_variant_for_a_missing_network_is_refused() {
        let c = with_variant("facebook", "hi");
        assert_eq!(check("hi", &v(&["twitter"]), &c).unwrap_err().field, "variants.facebook");
    }

    #[test]
    fn effective_text_and_comment_fall_back_to_the_post() {
        let mut c = with_variant("twitter", "short");
        c.first_comment = Some("more".into());
        assert_eq!(c.text_for("twitter", "long"), "short");
        assert_eq!(c.text_for("linkedin", "long"), "long");
        assert_eq!(c.first_comment_for("linkedin"), Some("more"));
    }

    #[test]
    fn stored_alt_text_follows_its_url() {
        let media =
            vec![MediaItem { url: "a".into(), alt_text: Some("A".into()), preview_url: None }];
        let c = Compose { media, ..Default::default() };
        let back = StoredCompose::of(&c).into_compose(&v(&["b", "a"]));
        assert_eq!(back.media[0].alt_text, None);
        assert_eq!(back.media[1].alt_text.as_deref(), Some("A"));
    }
}
