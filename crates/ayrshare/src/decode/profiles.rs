//! Decoding of `GET /profiles` and `POST /profiles` answers (research note §7).

use serde_json::Value;

use super::{api_failure, arr, is_error_status, is_success, str_of, Failure};
use crate::types::{CreatedProfile, Profile};

/// One page of `GET /profiles`: the profiles and the cursor of the next page, if any.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProfilePage {
    pub(crate) profiles: Vec<Profile>,
    pub(crate) next_cursor: Option<String>,
}

/// Decodes `GET /profiles`: `{profiles: [..], pagination?}` or a bare array.
pub(crate) fn profiles(status: u16, body: &Value) -> Result<ProfilePage, Failure> {
    if !is_success(status) || is_error_status(body) {
        return Err(api_failure(body));
    }
    let list = match body {
        Value::Array(items) => items.as_slice(),
        Value::Object(_) if body.get("profiles").is_some_and(Value::is_array) => {
            arr(body, "profiles")
        }
        _ => return Err(Failure::Decode("profiles answer has no profiles array".into())),
    };
    let page = body.get("pagination").unwrap_or(&Value::Null);
    let has_more = page.get("hasMore").and_then(Value::as_bool).unwrap_or(false);
    Ok(ProfilePage {
        profiles: list.iter().filter(|p| p.is_object()).map(profile).collect(),
        next_cursor: if has_more { str_of(page, "nextCursor") } else { None },
    })
}

fn profile(v: &Value) -> Profile {
    let suspended = v.get("suspended").and_then(Value::as_bool) == Some(true);
    Profile {
        title: str_of(v, "title").unwrap_or_default(),
        ref_id: str_of(v, "refId"),
        status: str_of(v, "status").or_else(|| suspended.then(|| "suspended".to_owned())),
    }
}

/// Decodes `POST /profiles`. `requested_title` fills in a missing `title`.
pub(crate) fn created_profile(
    status: u16,
    body: &Value,
    requested_title: &str,
) -> Result<CreatedProfile, Failure> {
    if !is_success(status) || is_error_status(body) {
        return Err(api_failure(body));
    }
    let record = body.get("profile").filter(|p| p.is_object()).unwrap_or(body);
    let profile_key = str_of(record, "profileKey")
        .ok_or_else(|| Failure::Decode("created profile has no profileKey".into()))?;
    Ok(CreatedProfile {
        title: str_of(record, "title").unwrap_or_else(|| requested_title.to_owned()),
        ref_id: str_of(record, "refId"),
        profile_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn profiles_object_with_pagination() {
        let body = json!({"profiles": [
            {"status": "active", "title": "A", "refId": "r1", "created": {"_seconds": 1}},
            {"title": "B", "suspended": true}, "junk"],
            "count": 2, "pagination": {"hasMore": true, "nextCursor": "c2", "limit": 100}});
        let page = profiles(200, &body).unwrap();
        assert_eq!(page.profiles.len(), 2);
        assert_eq!(page.profiles[0].ref_id.as_deref(), Some("r1"));
        assert_eq!(page.profiles[1].status.as_deref(), Some("suspended"));
        assert_eq!(page.next_cursor.as_deref(), Some("c2"));
    }

    #[test]
    fn profiles_bare_array_and_errors() {
        let page = profiles(200, &json!([{"title": "A"}])).unwrap();
        assert_eq!(page.profiles[0].title, "A");
        assert_eq!(page.next_cursor, None);
        assert!(matches!(profiles(403, &json!({"status": "error"})), Err(Failure::Api { .. })));
        assert!(matches!(profiles(200, &json!({"status": "success"})), Err(Failure::Decode(_))));
    }

    #[test]
    fn created_profile_reads_key_and_defaults_title() {
        let body = json!({"status": "success", "title": "T", "refId": "r", "profileKey": "PK-1234-5678", "messagingActive": false});
        let p = created_profile(200, &body, "ignored").unwrap();
        assert_eq!((p.title.as_str(), p.profile_key.as_str()), ("T", "PK-1234-5678"));
        let dbg = format!("{p:?}");
        assert!(dbg.contains("PK-1...") && !dbg.contains("PK-1234-5678"), "{dbg}");
        let p = created_profile(200, &json!({"profileKey": "K"}), "asked").unwrap();
        assert_eq!(p.title, "asked");
        assert!(matches!(
            created_profile(200, &json!({"status": "success"}), "t"),
            Err(Failure::Decode(_))
        ));
        let dup = created_profile(
            400,
            &json!({"status": "error", "code": 146, "message": "exists"}),
            "t",
        );
        assert_eq!(dup.unwrap_err(), Failure::Api { code: Some(146), message: "exists".into() });
    }
}
