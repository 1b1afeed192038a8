//! A typed, tolerant reading of a webhook body (research note §9): the fields of the
//! `scheduled` action (post id, per-network `postIds` and `errors`) and of the `social`
//! action (platform, link `type`, display name), plus what every action carries
//! (`hookId` for de-duplication, `created`, `code`, `status`, `refId`).
//!
//! It uses the same lenient accessors as the client's answer decoders: ids may be
//! strings or numbers, mistyped optional fields read as absent, unknown fields are
//! ignored, and no input can panic. Only a body that is not a JSON object with an
//! `action` string is refused.

use std::fmt;

use serde_json::Value;

use crate::decode::{int_of, platform_errors, platform_posts, str_of, timestamp};
use crate::types::{PlatformError, PlatformPost};

/// The event a webhook reports, as registered with `POST /hook/webhook`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Action {
    /// A future-scheduled post was processed (also sent as `subAction: "tikTokPublished"`).
    Scheduled,
    /// A social account was linked, unlinked or needs a refresh.
    Social,
    Feed,
    Batch,
    Messages,
    Mentions,
    Comments,
    Automations,
    AccountActivity,
    Suspended,
    /// An action this crate does not know yet, as sent.
    Other(String),
}

impl Action {
    /// Every action this crate knows, for registration.
    pub const KNOWN: [Action; 10] = [
        Action::Feed,
        Action::Social,
        Action::Scheduled,
        Action::Batch,
        Action::Messages,
        Action::Mentions,
        Action::Comments,
        Action::Automations,
        Action::AccountActivity,
        Action::Suspended,
    ];

    /// The wire name: `"scheduled"`, `"accountActivity"`, ...
    pub fn as_str(&self) -> &str {
        match self {
            Action::Scheduled => "scheduled",
            Action::Social => "social",
            Action::Feed => "feed",
            Action::Batch => "batch",
            Action::Messages => "messages",
            Action::Mentions => "mentions",
            Action::Comments => "comments",
            Action::Automations => "automations",
            Action::AccountActivity => "accountActivity",
            Action::Suspended => "suspended",
            Action::Other(name) => name,
        }
    }

    /// The action named `name` exactly; anything else is [`Action::Other`].
    pub fn from_wire(name: &str) -> Action {
        Action::KNOWN
            .into_iter()
            .find(|known| known.as_str() == name)
            .unwrap_or_else(|| Action::Other(name.to_owned()))
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A body that is not an Ayrshare webhook (not JSON, not an object, or no `action`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an Ayrshare webhook: {0}")]
pub struct DecodeError(String);

/// One webhook delivery. Absent or mistyped optional fields are `None` or empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// Which event this is.
    pub action: Action,
    /// `subAction`, e.g. `tikTokPublished` for TikTok's second `scheduled` webhook.
    pub sub_action: Option<String>,
    /// The Ayrshare post id (`scheduled`).
    pub id: Option<String>,
    /// `hookId`: deliveries are at-least-once, so de-duplicate on it.
    pub hook_id: Option<String>,
    /// When Ayrshare sent it, as a UTC ISO string.
    pub created: Option<String>,
    /// Ayrshare's code: 200 on success.
    pub code: Option<i64>,
    /// `success` or `error`.
    pub status: Option<String>,
    /// The profile's `refId`.
    pub ref_id: Option<String>,
    /// `postIds`: one entry per network that took the post (ids string or number).
    pub post_ids: Vec<PlatformPost>,
    /// `errors`: one entry per network that refused it.
    pub errors: Vec<PlatformError>,
    /// The network a `social` webhook is about.
    pub platform: Option<String>,
    /// Wire `type` of a `social` webhook: `link`, `unlink` or `refresh`.
    pub kind: Option<String>,
    /// `displayName` of the linked account (`social`).
    pub display_name: Option<String>,
}

impl Webhook {
    /// Reads a webhook body (the raw bytes, after [`super::verify`]).
    ///
    /// # Errors
    /// [`DecodeError`] when the body is not JSON, not an object, or has no `action`.
    pub fn decode(body: &[u8]) -> Result<Webhook, DecodeError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| DecodeError(format!("the body is not JSON ({e})")))?;
        if !value.is_object() {
            return Err(DecodeError("the body is not a JSON object".into()));
        }
        let action = value
            .get("action")
            .and_then(Value::as_str)
            .filter(|a| !a.is_empty())
            .ok_or_else(|| DecodeError("the body has no action".into()))?;
        Ok(Webhook {
            action: Action::from_wire(action),
            sub_action: str_of(&value, "subAction"),
            id: str_of(&value, "id"),
            hook_id: str_of(&value, "hookId"),
            created: value.get("created").and_then(timestamp),
            code: int_of(&value, "code"),
            status: str_of(&value, "status"),
            ref_id: str_of(&value, "refId"),
            post_ids: platform_posts(&value),
            errors: platform_errors(&value),
            platform: str_of(&value, "platform"),
            kind: str_of(&value, "type"),
            display_name: str_of(&value, "displayName"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheduled_webhook_is_read_whole() {
        let body = br#"{"action": "scheduled", "subAction": "tikTokPublished",
            "created": "2023-01-05T01:18:47Z", "code": 200, "refId": "140b87",
            "status": "success", "id": "TBAAAqAMMpoweA9wKHUp", "hookId": "h-1",
            "errors": [{"platform": "twitter", "code": 156, "message": "not linked"}],
            "postIds": [{"postUrl": "https://fb.test/1", "platform": "facebook",
                         "status": "success", "id": "102775127855689_361718068618052"}],
            "url": "https://mysite.com/webhook"}"#;
        let hook = Webhook::decode(body).expect("a webhook");
        assert_eq!(hook.action, Action::Scheduled);
        assert_eq!(hook.sub_action.as_deref(), Some("tikTokPublished"));
        assert_eq!(hook.id.as_deref(), Some("TBAAAqAMMpoweA9wKHUp"));
        assert_eq!(hook.hook_id.as_deref(), Some("h-1"));
        assert_eq!(hook.created.as_deref(), Some("2023-01-05T01:18:47Z"));
        assert_eq!((hook.code, hook.status.as_deref()), (Some(200), Some("success")));
        assert_eq!(hook.ref_id.as_deref(), Some("140b87"));
        assert_eq!(hook.post_ids.len(), 1);
        assert_eq!(hook.post_ids[0].platform, "facebook");
        assert_eq!(hook.post_ids[0].post_url.as_deref(), Some("https://fb.test/1"));
        assert_eq!(
            hook.errors,
            vec![PlatformError {
                platform: Some("twitter".into()),
                code: Some(156),
                message: "not linked".into()
            }]
        );
    }

    #[test]
    fn numeric_ids_and_codes_become_their_text() {
        let body = br#"{"action": "scheduled", "id": 42, "hookId": 7, "code": "200",
            "postIds": [{"platform": "telegram", "id": 635}]}"#;
        let hook = Webhook::decode(body).expect("a webhook");
        assert_eq!(hook.id.as_deref(), Some("42"));
        assert_eq!(hook.hook_id.as_deref(), Some("7"));
        assert_eq!(hook.code, Some(200));
        assert_eq!(hook.post_ids[0].id, "635");
        assert_eq!(hook.post_ids[0].status, "success", "a missing status reads as success");
    }

    #[test]
    fn a_social_webhook_carries_platform_type_and_display_name() {
        let body = br#"{"action": "social", "platform": "linkedin", "type": "unlink",
            "displayName": "Acme", "source": "system", "hookId": "h-2",
            "created": {"_seconds": 1672881527, "_nanoseconds": 0}}"#;
        let hook = Webhook::decode(body).expect("a webhook");
        assert_eq!(hook.action, Action::Social);
        assert_eq!(hook.platform.as_deref(), Some("linkedin"));
        assert_eq!(hook.kind.as_deref(), Some("unlink"));
        assert_eq!(hook.display_name.as_deref(), Some("Acme"));
        assert_eq!(hook.created.as_deref(), Some("2023-01-05T01:18:47Z"));
        assert!(hook.post_ids.is_empty() && hook.errors.is_empty());
    }

    #[test]
    fn unknown_actions_and_fields_are_kept_or_ignored_not_refused() {
        let hook = Webhook::decode(br#"{"action": "newThing", "extra": [1, {"x": null}]}"#)
            .expect("a webhook");
        assert_eq!(hook.action, Action::Other("newThing".into()));
        assert_eq!(hook.action.to_string(), "newThing");
        assert_eq!(hook.id, None);
    }

    #[test]
    fn mistyped_optional_fields_read_as_absent() {
        let body = br#"{"action": "scheduled", "id": {"x": 1}, "code": "high",
            "postIds": "none", "errors": ["plain message", 3], "status": ""}"#;
        let hook = Webhook::decode(body).expect("a webhook");
        assert_eq!((hook.id, hook.code, hook.status), (None, None, None));
        assert!(hook.post_ids.is_empty());
        assert_eq!(hook.errors.len(), 1);
        assert_eq!(hook.errors[0].message, "plain message");
    }

    #[test]
    fn a_body_without_an_action_is_refused() {
        for body in [&b""[..], b"not json", b"[]", b"\"scheduled\"", b"{}", br#"{"action": 3}"#] {
            let error = Webhook::decode(body).expect_err("not a webhook");
            assert!(error.to_string().starts_with("not an Ayrshare webhook"), "{error}");
        }
    }

    #[test]
    fn every_known_action_reads_back_from_its_wire_name() {
        for action in Action::KNOWN {
            assert_eq!(Action::from_wire(action.as_str()), action);
        }
        assert_eq!(Action::from_wire("accountActivity"), Action::AccountActivity);
    }
}
