//! The `POST /post` body, validated: text, networks (known ones, and names that are
//! no network, which fail alone), media, date, notes, idempotency key, approval, the
//! YouTube title, and the target profiles of `profileKey` / `profileKeys` (§3.4).
//! Unknown fields (the SDK's `source`, ...) are ignored.

use ayrshare::Platform;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::errors::ApiError;

/// A validated `POST /post` body.
#[derive(Debug, Clone)]
pub(crate) struct NewPost {
    pub(crate) text: String,
    /// Known networks, in request order, without duplicates.
    pub(crate) platforms: Vec<Platform>,
    /// `platforms` was (or contained) `all`.
    pub(crate) all: bool,
    /// Names that are no network.
    pub(crate) unknown: Vec<String>,
    pub(crate) media_urls: Vec<String>,
    pub(crate) schedule_date: Option<DateTime<Utc>>,
    pub(crate) notes: Option<String>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) requires_approval: bool,
    pub(crate) youtube_title: Option<String>,
    /// `firstComment.comment`.
    pub(crate) first_comment: Option<String>,
    /// `profileKeys` (or `profileKey`): post on these profiles instead of the caller's.
    pub(crate) profile_keys: Option<Vec<String>>,
    /// `arrayResponse`: answer a bare array instead of `{status, posts}`.
    pub(crate) array_response: bool,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("post", message)
}

const MISSING_POST: &str =
    "Missing or incorrect post parameter. Please verify a non-empty post field is sent.";

/// Parses an ISO date such as `2026-07-08T12:30:00Z` (any RFC 3339 offset).
pub(crate) fn parse_date(field: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(value.trim()).map(|d| d.with_timezone(&Utc)).map_err(|_| {
        invalid(format!("Invalid {field}: use an ISO 8601 UTC date such as 2026-07-08T12:30:00Z."))
    })
}

/// `post`: a string, or the old per-network object form with a `default` entry.
fn text_field(body: &Value) -> Result<String, ApiError> {
    match body.get("post") {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(Value::Object(by_network)) => by_network
            .get("default")
            .and_then(Value::as_str)
            .map(String::from)
            .ok_or_else(|| invalid(MISSING_POST)),
        _ => Err(invalid(MISSING_POST)),
    }
}

/// The networks of `platforms`, `all` expanded; and the names that are no network.
type Networks = (Vec<Platform>, bool, Vec<String>);

/// `platforms`: a non-empty array naming at least one network.
fn platforms_field(body: &Value) -> Result<Networks, ApiError> {
    let missing = || {
        invalid("Missing or incorrect platforms parameter. Send a non-empty array such as [\"twitter\"].")
    };
    let names = body
        .get("platforms")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(missing)?;
    let (mut platforms, mut all, mut unknown) = (Vec::new(), false, Vec::new());
    for name in names {
        let name = name.as_str().ok_or_else(missing)?.trim().to_ascii_lowercase();
        let expanded: Vec<Platform> = match name.parse::<Platform>() {
            Ok(platform) => vec![platform],
            Err(_) if name == "all" => {
                all = true;
                Platform::ALL.to_vec()
            }
            Err(_) => {
                unknown.push(name);
                Vec::new()
            }
        };
        for platform in expanded {
            if !platforms.contains(&platform) {
                platforms.push(platform);
            }
        }
    }
    if platforms.is_empty() {
        return Err(unknown_platform(unknown.first().map_or("", String::as_str)));
    }
    Ok((platforms, all, unknown))
}

/// 400 for a list naming no network at all, listing the valid ones.
fn unknown_platform(name: &str) -> ApiError {
    let valid: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
    invalid(format!("Unknown platform {name:?}. Valid platforms: {}.", valid.join(", ")))
}

/// An optional field of type `T`, read by `get`; `null` counts as absent.
fn optional<'a, T>(
    body: &'a Value,
    field: &str,
    get: impl Fn(&'a Value) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => {
            get(value).map(Some).ok_or_else(|| invalid(format!("Invalid {field} parameter.")))
        }
    }
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(|v| v.as_str().map(String::from)).collect()
}

fn string_of(value: &Value) -> Option<String> {
    value.as_str().map(String::from)
}

/// `firstComment`: an object `{comment, mediaUrls?}` with a non-empty `comment` (§3.1);
/// a bare string, a blank comment or media that are not a list of strings are refused.
fn first_comment(body: &Value) -> Result<Option<String>, ApiError> {
    let bad = || {
        invalid(
            "Invalid firstComment parameter: send {\"comment\": \"...\", \"mediaUrls\"?: [...]}.",
        )
    };
    let Some(value) = body.get("firstComment").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let object = value.as_object().ok_or_else(bad)?;
    let comment = object.get("comment").and_then(Value::as_str).ok_or_else(bad)?;
    if comment.trim().is_empty() {
        return Err(bad());
    }
    match object.get("mediaUrls") {
        None | Some(Value::Null) => {}
        Some(media) if strings(media).is_some() => {}
        Some(_) => return Err(bad()),
    }
    Ok(Some(comment.to_string()))
}

/// `profileKeys` (an array) or `profileKey` (a string), non-empty.
fn profile_keys(body: &Value) -> Result<Option<Vec<String>>, ApiError> {
    let keys = match optional(body, "profileKeys", strings)? {
        Some(keys) => Some(keys),
        None => optional(body, "profileKey", string_of)?.map(|key| vec![key]),
    };
    match keys {
        Some(keys) if keys.iter().any(|k| k.trim().is_empty()) || keys.is_empty() => {
            Err(invalid("Invalid profileKeys parameter: send non-empty profile keys."))
        }
        other => Ok(other),
    }
}

impl NewPost {
    pub(crate) fn parse(body: &Value) -> Result<Self, ApiError> {
        if !body.is_object() {
            return Err(invalid("The body must be a JSON object."));
        }
        let text = text_field(body)?;
        let media_urls = optional(body, "mediaUrls", strings)?.unwrap_or_default();
        if text.trim().is_empty() && media_urls.is_empty() {
            return Err(invalid(MISSING_POST));
        }
        let schedule_date = optional(body, "scheduleDate", Value::as_str)?
            .map(|d| parse_date("scheduleDate", d))
            .transpose()?;
        let (platforms, all, unknown) = platforms_field(body)?;
        let youtube_title = body
            .pointer("/youTubeOptions/title")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
            .map(String::from);
        Ok(NewPost {
            text,
            platforms,
            all,
            unknown,
            media_urls,
            schedule_date,
            notes: optional(body, "notes", string_of)?,
            idempotency_key: optional(body, "idempotencyKey", string_of)?.filter(|k| !k.is_empty()),
            requires_approval: optional(body, "requiresApproval", Value::as_bool)?.unwrap_or(false),
            youtube_title,
            first_comment: first_comment(body)?,
            profile_keys: profile_keys(body)?,
            array_response: optional(body, "arrayResponse", Value::as_bool)?.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_ignored_and_all_expands() {
        let new = NewPost::parse(&json!({"post": "hi", "platforms": ["all"], "source": "npm"}))
            .expect("valid");
        assert_eq!(new.platforms, Platform::ALL);
        assert!(new.all);
    }

    #[test]
    fn names_that_are_no_network_are_kept_apart() {
        let new = NewPost::parse(&json!({"post": "hi", "platforms": ["facebook", "fbg"]}))
            .expect("valid");
        assert_eq!(
            (new.platforms, new.unknown),
            (vec![Platform::Facebook], vec!["fbg".to_string()])
        );
    }

    #[test]
    fn profile_keys_and_the_youtube_title_are_read() {
        let new =
            NewPost::parse(&json!({"post": "hi", "platforms": ["youtube"], "profileKey": "K",
                                         "youTubeOptions": {"title": "T"}}))
            .expect("valid");
        assert_eq!(new.profile_keys, Some(vec!["K".to_string()]));
        assert_eq!(new.youtube_title.as_deref(), Some("T"));
    }

    #[test]
    fn the_first_comment_is_read_from_its_object() {
        let new = NewPost::parse(&json!({"post": "hi", "platforms": ["twitter"],
                                         "firstComment": {"comment": "more", "mediaUrls": []}}))
        .expect("valid");
        assert_eq!(new.first_comment.as_deref(), Some("more"));
    }

    #[test]
    fn bad_bodies_are_400s() {
        for body in [
            json!({"platforms": ["twitter"]}),
            json!({"post": "hi"}),
            json!({"post": "hi", "platforms": []}),
            json!({"post": "hi", "platforms": ["myspace"]}),
            json!({"post": "hi", "platforms": [3]}),
            json!({"post": "hi", "platforms": ["twitter"], "scheduleDate": "tomorrow"}),
            json!({"post": "hi", "platforms": ["twitter"], "mediaUrls": "x"}),
            json!({"post": "hi", "platforms": ["twitter"], "profileKeys": [""]}),
            json!({"post": "hi", "platforms": ["twitter"], "firstComment": "more"}),
            json!({"post": "hi", "platforms": ["twitter"], "firstComment": {"comment": " "}}),
            json!({"post": "hi", "platforms": ["twitter"], "firstComment": {"text": "more"}}),
            json!({"post": "hi", "platforms": ["twitter"],
                   "firstComment": {"comment": "more", "mediaUrls": "x"}}),
            json!(["post"]),
        ] {
            let error = NewPost::parse(&body).expect_err("invalid body accepted");
            assert_eq!(error.status, StatusCode::BAD_REQUEST, "{body}");
        }
    }
}
