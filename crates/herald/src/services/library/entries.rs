//! The two kinds of library entry: a template (a post to start from: text, networks,
//! variants, first comment, media) and a hashtag group (tags to insert).

use super::Entry;
use crate::foundation::domain::compose::{self, Compose, Variant};
use crate::foundation::domain::library::Library;
use crate::foundation::domain::validate::{self, FieldError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// At most this many tags in a group.
pub const MAX_TAGS: usize = 30;

/// A template's content, checked as a post's would be.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateBody {
    pub text: String,
    pub platforms: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variants: BTreeMap<String, Variant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_comment: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_urls: Vec<String>,
}

impl Entry for TemplateBody {
    const LIBRARY: Library = Library::Templates;

    fn check(&mut self) -> Result<(), FieldError> {
        validate::platforms(&self.platforms)?;
        self.media_urls = validate::media_urls(&self.media_urls)?;
        self.first_comment = self.first_comment.take().filter(|c| !c.trim().is_empty());
        let c = Compose {
            variants: self.variants.clone(),
            first_comment: self.first_comment.clone(),
            media: vec![],
        };
        compose::check(&self.text, &self.platforms, &c)
    }
}

/// A hashtag group's tags: `#` then letters, digits or `_`, each once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HashtagGroup {
    pub tags: Vec<String>,
}

impl Entry for HashtagGroup {
    const LIBRARY: Library = Library::HashtagGroups;

    fn check(&mut self) -> Result<(), FieldError> {
        if self.tags.is_empty() || self.tags.len() > MAX_TAGS {
            return Err(FieldError::new("tags", format!("Give 1 to {MAX_TAGS} hashtags.")));
        }
        for (i, tag) in self.tags.iter_mut().enumerate() {
            let t = tag.trim();
            let word = t.strip_prefix('#').unwrap_or(t);
            let ok = !word.is_empty()
                && word.chars().count() <= 100
                && word.chars().all(|c| c.is_alphanumeric() || c == '_');
            if !ok {
                let shown: String = t.chars().take(40).collect();
                return Err(FieldError::new(
                    &format!("tags.{i}"),
                    format!("\"{shown}\" is not a hashtag: # then letters, digits or _."),
                ));
            }
            *tag = format!("#{word}");
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some(dup) = self.tags.iter().find(|t| !seen.insert(t.to_lowercase())) {
            return Err(FieldError::new("tags", format!("{dup} is there twice.")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_gain_their_hash_and_bad_ones_are_named() {
        let mut g = HashtagGroup { tags: vec!["launch".into(), "#Herald_2".into()] };
        g.check().unwrap();
        assert_eq!(g.tags, ["#launch", "#Herald_2"]);
        let mut bad = HashtagGroup { tags: vec!["#ok".into(), "#no way".into()] };
        assert_eq!(bad.check().unwrap_err().field, "tags.1");
        let mut twice = HashtagGroup { tags: vec!["#a".into(), "#A".into()] };
        assert_eq!(twice.check().unwrap_err().field, "tags");
    }
}
