//! Tolerant decoding of Ayrshare answers into the public types.
//!
//! Ayrshare's answers vary by doc generation and by whether a Profile-Key was
//! sent (see the research note §3-§5, §10), so decoding works on
//! [`serde_json::Value`] with small lenient accessors instead of strict serde
//! structs: unknown fields are ignored, missing or mistyped optional fields
//! become defaults, ids may be strings or numbers, and no input can panic.
//!
//! Every decoder takes the HTTP status and the parsed body and returns either
//! the typed value or a [`Failure`], which the client turns into an
//! [`crate::Error`] (adding status, rate-limit headers and key scrubbing).

mod history;
mod insight;
mod post;
mod profiles;
mod time;

pub(crate) use history::{history, history_by_id};
pub(crate) use insight::{post_analytics, social_analytics, upload_url, uploaded_media};
pub(crate) use post::post_outcome;
pub(crate) use profiles::{created_profile, jwt, profiles, user};
pub(crate) use time::timestamp;

use serde_json::Value;

use crate::types::{PlatformError, PlatformPost};

/// Why a body could not become the requested value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Failure {
    /// Ayrshare reported an error; `message` is empty when the body had none.
    Api { code: Option<i64>, message: String },
    /// The body was not any shape we understand.
    Decode(String),
}

/// True for HTTP 2xx.
pub(crate) fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Any JSON body of an endpoint without a typed answer (delete, update,
/// analytics): returned as-is unless the status or `status: "error"` says it failed.
pub(crate) fn plain(status: u16, body: &Value) -> Result<Value, Failure> {
    if !is_success(status) || is_error_status(body) {
        return Err(api_failure(body));
    }
    Ok(body.clone())
}

/// `v[key]` as a string; numbers are rendered, empty strings count as absent.
pub(crate) fn str_of(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `v[key]` as an integer: an integral number or a numeric string.
pub(crate) fn int_of(v: &Value, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `v[key]` as a slice; anything that is not an array reads as empty.
pub(crate) fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// `v[key]` as a list of strings, skipping non-string entries.
pub(crate) fn strings(v: &Value, key: &str) -> Vec<String> {
    match v.get(key) {
        Some(Value::Array(items)) => {
            items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect()
        }
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// True when `v` is an object whose `status` is `"error"` (any case).
pub(crate) fn is_error_status(v: &Value) -> bool {
    v.get("status").and_then(Value::as_str).is_some_and(|s| s.eq_ignore_ascii_case("error"))
}

/// `postIds[]` entries; non-objects are skipped. A missing per-entry status reads as `success`.
pub(crate) fn platform_posts(v: &Value) -> Vec<PlatformPost> {
    arr(v, "postIds")
        .iter()
        .filter(|e| e.is_object())
        .map(|e| PlatformPost {
            platform: str_of(e, "platform").unwrap_or_default(),
            id: str_of(e, "id").unwrap_or_default(),
            status: str_of(e, "status").unwrap_or_else(|| "success".to_owned()),
            post_url: str_of(e, "postUrl"),
        })
        .collect()
}

/// `errors[]` entries: objects (platform and code optional) or bare strings.
pub(crate) fn platform_errors(v: &Value) -> Vec<PlatformError> {
    arr(v, "errors").iter().filter_map(platform_error).collect()
}

fn platform_error(e: &Value) -> Option<PlatformError> {
    match e {
        Value::String(s) => Some(PlatformError { platform: None, code: None, message: s.clone() }),
        Value::Object(_) => Some(PlatformError {
            platform: str_of(e, "platform"),
            code: int_of(e, "code"),
            message: message_of(e).unwrap_or_default(),
        }),
        _ => None,
    }
}

/// `message`, or `error` when it is a string.
fn message_of(v: &Value) -> Option<String> {
    str_of(v, "message").or_else(|| v.get("error").and_then(Value::as_str).map(str::to_owned))
}

/// Code and message of an error body, wherever Ayrshare nested them.
///
/// Code: top-level `code`, else the first nested one in the order `errors[]`,
/// `posts[]` (their own `code`, then their `errors[]`), `history`. The message
/// joins every distinct message found in the same places with `"; "`,
/// prefixing per-network ones with their platform.
pub(crate) fn api_failure(body: &Value) -> Failure {
    let mut code = int_of(body, "code");
    let mut messages: Vec<String> = Vec::new();
    collect(body, &mut code, &mut messages);
    let posts: &[Value] = match body {
        Value::Array(items) => items,
        _ => arr(body, "posts"),
    };
    for p in posts {
        code = code.or_else(|| int_of(p, "code"));
        collect(p, &mut code, &mut messages);
    }
    if let Some(h) = body.get("history").filter(|h| h.is_object()) {
        code = code.or_else(|| int_of(h, "code"));
        collect(h, &mut code, &mut messages);
    }
    Failure::Api { code, message: messages.join("; ") }
}

/// Adds `v`'s own message and its `errors[]` to `messages`, and fills `code` if unset.
fn collect(v: &Value, code: &mut Option<i64>, messages: &mut Vec<String>) {
    let mut push = |m: String| {
        if !m.is_empty() && !messages.contains(&m) {
            messages.push(m);
        }
    };
    if let Some(m) = message_of(v) {
        push(m);
    }
    for e in platform_errors(v) {
        *code = code.or(e.code);
        match e.platform {
            Some(p) if !e.message.is_empty() => push(format!("{p}: {}", e.message)),
            _ => push(e.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accessors_are_lenient() {
        let v = json!({"a": 5, "b": "7", "c": "", "d": 2.0, "e": [1, "x"], "f": {"g": 1}});
        assert_eq!(str_of(&v, "a").as_deref(), Some("5"));
        assert_eq!(str_of(&v, "c"), None);
        assert_eq!(int_of(&v, "b"), Some(7));
        assert_eq!(int_of(&v, "d"), Some(2));
        assert_eq!(int_of(&v, "f"), None);
        assert_eq!(strings(&v, "e"), vec!["x".to_owned()]);
        assert!(arr(&v, "f").is_empty());
        assert!(arr(&json!(null), "x").is_empty());
    }

    #[test]
    fn failure_from_flat_error() {
        let f =
            api_failure(&json!({"status": "error", "code": 102, "message": "API Key not valid"}));
        assert_eq!(f, Failure::Api { code: Some(102), message: "API Key not valid".into() });
    }

    #[test]
    fn failure_from_nested_errors_prefers_first_code_and_joins_messages() {
        let f = api_failure(&json!({"status": "error", "errors": [
            {"code": 110, "message": "Status is a duplicate.", "platform": "twitter"},
            {"code": 107, "message": "identical", "platform": "facebook"},
            {"message": "no platform"}]}));
        assert_eq!(
            f,
            Failure::Api {
                code: Some(110),
                message: "twitter: Status is a duplicate.; facebook: identical; no platform".into()
            }
        );
    }

    #[test]
    fn failure_from_posts_and_history() {
        let f = api_failure(&json!({"posts": [{"errors": [{"message": "bad", "code": 156}]}]}));
        assert_eq!(f, Failure::Api { code: Some(156), message: "bad".into() });
        let f = api_failure(&json!({"history": {"code": 221, "status": "error"}, "count": 0}));
        assert_eq!(f, Failure::Api { code: Some(221), message: String::new() });
        let f = api_failure(&json!("not an object"));
        assert_eq!(f, Failure::Api { code: None, message: String::new() });
    }

    #[test]
    fn plain_passes_success_and_rejects_errors() {
        let ok = json!({"status": "success", "id": "x", "code": 200});
        assert_eq!(plain(200, &ok), Ok(ok.clone()));
        assert!(plain(404, &json!({"code": 114, "status": "error"})).is_err());
        assert!(plain(200, &json!({"status": "error", "message": "m"})).is_err());
        assert_eq!(plain(200, &json!({"status": "partial"})).map(|_| ()), Ok(()));
    }
}
