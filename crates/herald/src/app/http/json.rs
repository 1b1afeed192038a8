//! Request extractors that answer in Herald's error format: JSON bodies (400 for bad
//! JSON, 422 naming the field for wrong or unknown fields), query strings (422 naming the
//! parameter) and the `If-Match` version. Neither lets a NUL character through: no field
//! of Herald's means one, and PostgreSQL refuses it in text (the API fuzzer found a 500
//! that way), so it is a 422 naming the field before any use case sees it.

use crate::coherence::error::AppError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_TYPE, IF_MATCH};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A JSON body. Syntax errors are 400 `malformed_request`; a body of the wrong shape is
/// 422 `invalid_field` with `details.field` naming the offending field.
pub struct AppJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_json =
            req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
                ct.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        let bytes = Bytes::from_request(req, state).await.map_err(body_rejection)?;
        if bytes.is_empty() {
            return parse(b"{}").map(AppJson);
        }
        if !is_json {
            return Err(AppError::Malformed("send the body as application/json".into()));
        }
        parse(&bytes).map(AppJson)
    }
}

/// A query string read into `T`: a parameter of the wrong type or an unknown one is 422
/// `invalid_field` naming it.
pub struct AppQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for AppQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if key.contains('\0') {
                return Err(nul_in("query"));
            }
            if value.contains('\0') {
                return Err(nul_in(&key));
            }
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(AppQuery).map_err(|e| {
            let field = e.path().to_string();
            let message = e.into_inner().to_string();
            AppError::invalid(&field_name(&field, &message), message)
        })
    }
}

/// A body that could not be read: 413 `payload_too_large` over [`super::BODY_LIMIT`],
/// else 400 `malformed_request`.
pub fn body_rejection(e: BytesRejection) -> AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::Malformed(e.body_text())
    }
}

/// Parses JSON, classifying failures as malformed (400) or invalid field (422).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map_err(|e| {
        AppError::Malformed(format!("malformed JSON: {}", strip_position(&e.to_string())))
    })?;
    // Valid JSON holds a NUL only as the escape `\u0000`: the tree that names its field is
    // built only for a body that has one.
    if bytes.windows(6).any(|w| w == b"\\u0000") {
        let tree = serde_json::from_slice::<serde_json::Value>(bytes)
            .map_err(|e| AppError::Malformed(format!("malformed JSON: {e}")))?;
        if let Some(field) = nul_field(&tree, "") {
            return Err(nul_in(&field));
        }
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = inner.to_string();
                let field = field_name(&path, &message);
                AppError::invalid(&field, strip_position(&message))
            }
            _ => AppError::Malformed(format!(
                "malformed JSON: {}",
                strip_position(&inner.to_string())
            )),
        }
    })?;
    de.end().map_err(|e| AppError::Malformed(format!("malformed JSON: {e}")))?;
    Ok(value)
}

/// The dotted path of the first field (or key) whose text holds a NUL, if any; array
/// items are named by their field, as the domain's validation names them.
fn nul_field(value: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    let here = || Some(if at.is_empty() { "body".to_owned() } else { at.to_owned() });
    match value {
        Value::String(s) if s.contains('\0') => here(),
        Value::Array(items) => items.iter().find_map(|v| nul_field(v, at)),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| match k.contains('\0') {
            true => here(),
            false if at.is_empty() => nul_field(v, k),
            false => nul_field(v, &format!("{at}.{k}")),
        }),
        _ => None,
    }
}

fn nul_in(field: &str) -> AppError {
    AppError::invalid(field, "must not contain a NUL character")
}

/// The field a serde error is about: the path, or the name inside "unknown field `x`" /
/// "missing field `x`" (serde reports those at the parent's path).
fn field_name(path: &str, message: &str) -> String {
    let quoted = message.split('`').nth(1).filter(|_| message.contains("field `"));
    match (path, quoted) {
        (".", Some(name)) => name.to_owned(),
        (p, Some(name)) if p == name || p.ends_with(&format!(".{name}")) => p.to_owned(),
        (p, Some(name)) => format!("{p}.{name}"),
        (p, None) if p != "." => p.to_owned(),
        _ => "body".to_owned(),
    }
}

fn strip_position(message: &str) -> String {
    message.split(" at line ").next().unwrap_or(message).to_owned()
}

/// The `version` a mutation is based on: the body field, or the `If-Match` header.
pub fn version_from(
    parts_if_match: Option<&str>,
    body: Option<i64>,
) -> Result<Option<i64>, AppError> {
    match (body, parts_if_match) {
        (Some(v), _) => Ok(Some(v)),
        (None, Some(raw)) => {
            let trimmed = raw.trim().trim_start_matches("W/").trim_matches('"');
            trimmed
                .parse()
                .map(Some)
                .map_err(|_| AppError::invalid("version", "If-Match must be the post version"))
        }
        (None, None) => Ok(None),
    }
}

/// The `If-Match` header value, for [`version_from`].
pub struct IfMatch(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Ok(IfMatch(parts.headers.get(IF_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        text: String,
        n: Option<i64>,
    }

    fn field_of(json: &str) -> String {
        match parse::<Body>(json.as_bytes()).unwrap_err() {
            AppError::Invalid(f) => f.field,
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn json_errors_are_classified_and_name_the_field() {
        assert!(matches!(parse::<Body>(b"{\"text\": "), Err(AppError::Malformed(_))));
        assert!(matches!(parse::<Body>(b"not json"), Err(AppError::Malformed(_))));
        assert_eq!(field_of(r#"{"text": "a", "bogus": 1}"#), "bogus");
        assert_eq!(field_of(r#"{"n": 1}"#), "text");
        assert_eq!(field_of(r#"{"text": 5}"#), "text");
        assert_eq!(field_of(r#"{"text": "a", "n": "x"}"#), "n");
    }

    #[test]
    fn a_nul_anywhere_in_a_body_is_422_naming_its_field() {
        assert_eq!(field_of(r#"{"text": "a\u0000b"}"#), "text");
        assert_eq!(field_of(r#"{"text": "a", "n": 1, "x": {"y": ["ok", "\u0000"]}}"#), "x.y");
        assert_eq!(field_of(r#"{"te\u0000xt": "a"}"#), "body");
        assert!(matches!(parse::<serde_json::Value>(br#""\u0000""#), Err(AppError::Invalid(_))));
    }

    #[test]
    fn version_comes_from_body_or_if_match() {
        assert_eq!(version_from(Some("\"3\""), None).unwrap(), Some(3));
        assert_eq!(version_from(Some("W/\"4\""), None).unwrap(), Some(4));
        assert_eq!(version_from(None, Some(5)).unwrap(), Some(5));
        assert!(version_from(Some("abc"), None).is_err());
    }
}
