//! Field validation for post content (the platform limits are `ayrshare::Platform`'s).
//!
//! Every failure names the field it concerns, so the HTTP layer can answer 422 with
//! `details.field` and the dashboard can show the message next to the input.

use ayrshare::Platform;
use chrono::{DateTime, Duration, Utc};

/// At most this many media URLs on one post.
pub const MAX_MEDIA: usize = 10;
/// A media URL may be at most this long.
pub const MAX_URL_LEN: usize = 2_048;
/// Posts may be scheduled at most this far ahead.
pub const MAX_SCHEDULE_AHEAD_DAYS: i64 = 730;

/// A validation failure on one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_owned(), message: message.into() }
    }

    /// The same failure, said of another field (a variant's text checked as a text).
    pub fn renamed(self, field: &str) -> Self {
        Self { field: field.to_owned(), ..self }
    }
}

/// The character limit of a platform (counted as Unicode scalar values; X's URL
/// weighting is not modelled, so the X limit is conservative for text with links), or
/// `None` if Ayrshare has no such platform. The table is [`ayrshare::Platform`]'s.
pub fn platform_limit(platform: &str) -> Option<usize> {
    platform.parse::<Platform>().ok().map(Platform::text_limit)
}

/// Platforms: at least one, each known to Ayrshare, none twice; read as [`Platform`]s.
pub fn platforms(list: &[String]) -> Result<Vec<Platform>, FieldError> {
    if list.is_empty() {
        return Err(FieldError::new("platforms", "Choose at least one network."));
    }
    for (i, p) in list.iter().enumerate() {
        if platform_limit(p).is_none() {
            let known: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
            return Err(FieldError::new(
                "platforms",
                format!(
                    "\"{}\" is not a network Ayrshare posts to; choose from {}.",
                    truncate(p, 40),
                    known.join(", ")
                ),
            ));
        }
        if list[..i].contains(p) {
            let name = label(p);
            return Err(FieldError::new("platforms", format!("{name} is chosen twice.")));
        }
    }
    Ok(known_platforms(list))
}

/// The networks of a list [`platforms`] already checked (an unknown id is left out).
pub fn known_platforms(list: &[String]) -> Vec<Platform> {
    list.iter().filter_map(|p| p.parse().ok()).collect()
}

/// Control characters other than line breaks and tabs are refused in free text (NUL
/// above all: PostgreSQL cannot store it, and nothing legitimate needs the others).
fn no_control(field: &str, value: &str, allow_breaks: bool) -> Result<(), FieldError> {
    let bad =
        value.chars().any(|c| c.is_control() && !(allow_breaks && matches!(c, '\n' | '\r' | '\t')));
    if bad {
        let message = match allow_breaks {
            true => "Remove the invisible control characters (only line breaks and tabs may stay).",
            false => "Remove the invisible control characters.",
        };
        return Err(FieldError::new(field, message));
    }
    Ok(())
}

/// Text: not blank, no control characters, and within the smallest limit of the
/// chosen platforms.
pub fn text(text: &str, platforms: &[impl AsRef<str>]) -> Result<(), FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new("text", "Write some text."));
    }
    no_control("text", text, true)?;
    let len = text.chars().count();
    let ids = platforms.iter().map(|p| p.as_ref());
    let tightest = ids.filter_map(|p| platform_limit(p).map(|l| (p, l))).min_by_key(|(_, l)| *l);
    match tightest {
        Some((p, limit)) if len > limit => Err(FieldError::new(
            "text",
            format!("The text is {len} characters long; {} allows at most {limit}.", label(p)),
        )),
        _ => Ok(()),
    }
}

/// Media URLs: absolute http(s) URLs without control characters, a bounded number of
/// them; returned in their normalised (parsed, percent-encoded) form, which is what is
/// stored and sent on.
pub fn media_urls(urls: &[String]) -> Result<Vec<String>, FieldError> {
    if urls.len() > MAX_MEDIA {
        return Err(FieldError::new(
            "media_urls",
            format!("Attach at most {MAX_MEDIA} media files."),
        ));
    }
    urls.iter().map(|u| media_url(u)).collect()
}

fn media_url(raw: &str) -> Result<String, FieldError> {
    let parsed = (raw.len() <= MAX_URL_LEN && !raw.chars().any(char::is_control))
        .then(|| url::Url::parse(raw).ok())
        .flatten()
        .filter(|p| matches!(p.scheme(), "http" | "https") && p.host().is_some());
    match parsed {
        Some(url) => Ok(url.to_string()),
        None => Err(FieldError::new(
            "media_urls",
            format!("\"{}\" is not a web address (http or https).", truncate(raw, 80)),
        )),
    }
}

/// Parses a `schedule_at` given with any offset into UTC; it must lie at most two years
/// ahead and, unless the post stays a draft (a draft may keep a past date: a copy of an
/// old post, a plan being reworked), in the future.
pub fn schedule_at(
    raw: &str,
    now: DateTime<Utc>,
    draft: bool,
) -> Result<DateTime<Utc>, FieldError> {
    let at = DateTime::parse_from_rfc3339(raw)
        .map_err(|_| {
            FieldError::new(
                "schedule_at",
                "Give the time as RFC 3339 with an offset, e.g. 2026-07-08T12:30:00+02:00.",
            )
        })?
        .with_timezone(&Utc);
    if at <= now && !draft {
        return Err(FieldError::new("schedule_at", "Choose a time in the future."));
    }
    if at > now + Duration::days(MAX_SCHEDULE_AHEAD_DAYS) {
        return Err(FieldError::new("schedule_at", "Choose a time at most two years ahead."));
    }
    Ok(at)
}

/// A workspace, token or person's name: 1 to 100 characters, not blank, no control
/// characters.
pub fn name(field: &str, value: &str) -> Result<(), FieldError> {
    let len = value.chars().count();
    if value.trim().is_empty() || len > 100 {
        return Err(FieldError::new(field, "Use 1 to 100 characters."));
    }
    no_control(field, value, false)
}

/// A comment on an approval decision: at most 2,000 characters; `required` for reject
/// and request-changes.
pub fn comment(value: Option<&str>, required: bool) -> Result<(), FieldError> {
    match value {
        None if required => {
            Err(FieldError::new("comment", "Add a comment: it tells the author why."))
        }
        Some(c) if required && c.trim().is_empty() => {
            Err(FieldError::new("comment", "Add a comment: it tells the author why."))
        }
        Some(c) if c.chars().count() > 2_000 => {
            Err(FieldError::new("comment", "Keep the comment under 2,000 characters."))
        }
        Some(c) => no_control("comment", c, true),
        None => Ok(()),
    }
}

/// A network's display name ("X (Twitter)"), or the id when it is not one.
fn label(id: &str) -> String {
    id.parse::<Platform>().map_or_else(|_| id.to_owned(), |p| p.label().to_owned())
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn text_is_limited_by_the_tightest_platform() {
        let long = "x".repeat(281);
        assert!(text(&long, &v(&["facebook"])).is_ok());
        let err = text(&long, &v(&["facebook", "twitter"])).unwrap_err();
        assert_eq!(err.field, "text");
        assert!(err.message.contains("X (Twitter)"), "{}", err.message);
        assert!(text("   ", &v(&["twitter"])).is_err());
        assert!(text("line\r\nbreak\ttab", &v(&["twitter"])).is_ok());
        assert!(text("nul\u{0}", &v(&["twitter"])).is_err());
    }

    #[test]
    fn platforms_must_be_known_and_distinct() {
        let both = [Platform::Twitter, Platform::LinkedIn];
        assert_eq!(platforms(&v(&["twitter", "linkedin"])), Ok(both.to_vec()));
        assert!(platforms(&v(&[])).is_err());
        assert!(platforms(&v(&["myspace"])).is_err());
        assert!(platforms(&v(&["twitter", "twitter"])).is_err());
    }

    #[test]
    fn schedule_accepts_any_offset_and_stores_utc() {
        let now = Utc::now();
        let later =
            (now + Duration::hours(3)).with_timezone(&chrono::FixedOffset::east_opt(7200).unwrap());
        let parsed = schedule_at(&later.to_rfc3339(), now, false).unwrap();
        assert_eq!(parsed.timestamp(), later.timestamp());
        assert!(schedule_at("2020-01-01T00:00:00Z", now, false).is_err());
        assert!(schedule_at("2020-01-01T00:00:00Z", now, true).is_ok(), "a draft may");
        assert!(schedule_at("tomorrow", now, true).is_err());
        let far = (now + Duration::days(800)).to_rfc3339();
        assert!(schedule_at(&far, now, true).is_err());
    }

    #[test]
    fn media_must_be_http_urls() {
        assert!(media_urls(&v(&["https://example.com/a.png"])).is_ok());
        assert_eq!(media_urls(&v(&["https://E.com/a b"])).unwrap(), ["https://e.com/a%20b"]);
        assert!(media_urls(&v(&["https://e.com/\u{0}x"])).is_err());
        assert!(media_urls(&v(&["ftp://example.com/a.png"])).is_err());
        assert!(media_urls(&v(&["javascript:alert(1)"])).is_err());
    }
}
