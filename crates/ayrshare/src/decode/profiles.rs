//! Decoding of the account answers (research note §7): `GET /profiles`,
//! `POST /profiles`, `GET /user` and `POST /profiles/generateJWT`.

use serde_json::Value;

use std::time::Duration;

use super::{api_failure, arr, is_error_status, is_success, str_of, strings, timestamp, Failure};
use crate::types::{CreatedProfile, DisplayName, Jwt, ProfileSummary, UserDetails};

/// One page of `GET /profiles`: the profiles and the cursor of the next page, if any.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProfilePage {
    pub(crate) profiles: Vec<ProfileSummary>,
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

fn profile(v: &Value) -> ProfileSummary {
    let suspended = v.get("suspended").and_then(Value::as_bool) == Some(true);
    ProfileSummary {
        title: str_of(v, "title").unwrap_or_default(),
        ref_id: str_of(v, "refId"),
        status: str_of(v, "status").or_else(|| suspended.then(|| "suspended".to_owned())),
        active_social_accounts: strings(v, "activeSocialAccounts"),
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

/// Decodes `GET /user`. Every field is optional: a profile with nothing linked
/// has no `activeSocialAccounts` at all.
pub(crate) fn user(status: u16, body: &Value) -> Result<UserDetails, Failure> {
    if !is_success(status) || is_error_status(body) {
        return Err(api_failure(body));
    }
    if !body.is_object() {
        return Err(Failure::Decode("user answer is not a JSON object".into()));
    }
    let display_names = arr(body, "displayNames")
        .iter()
        .filter(|d| d.is_object())
        .map(|d| DisplayName {
            platform: str_of(d, "platform").unwrap_or_default(),
            display_name: str_of(d, "displayName"),
            username: str_of(d, "username"),
            user_image: str_of(d, "userImage"),
            profile_url: str_of(d, "profileUrl"),
            id: str_of(d, "id"),
        })
        .collect();
    Ok(UserDetails {
        active_social_accounts: strings(body, "activeSocialAccounts"),
        display_names,
        ref_id: str_of(body, "refId"),
        title: str_of(body, "title"),
        created: body.get("created").and_then(timestamp),
    })
}

/// Decodes `POST /profiles/generateJWT`: `url` is required, `token` and
/// `expiresIn` (`"5m"`, `"30m"`, or a number of minutes) are optional.
pub(crate) fn jwt(status: u16, body: &Value) -> Result<Jwt, Failure> {
    if !is_success(status) || is_error_status(body) {
        return Err(api_failure(body));
    }
    let url = str_of(body, "url").ok_or_else(|| Failure::Decode("JWT answer has no url".into()))?;
    Ok(Jwt {
        url,
        token: str_of(body, "token").unwrap_or_default().into(),
        expires_in: body.get("expiresIn").and_then(duration),
    })
}

/// `"5m"`, `"2h"`, `"90s"` or a bare number of minutes.
fn duration(v: &Value) -> Option<Duration> {
    let text = match v {
        Value::Number(n) => return n.as_u64().map(|m| Duration::from_secs(m.saturating_mul(60))),
        Value::String(s) => s.trim(),
        _ => return None,
    };
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let amount: u64 = text[..split].parse().ok()?;
    let unit = match text[split..].trim() {
        "s" => 1,
        "" | "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    Some(Duration::from_secs(amount.saturating_mul(unit)))
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
    fn user_with_linked_accounts_and_without() {
        let body = json!({"activeSocialAccounts": ["twitter", "facebook"], "displayNames": [
            {"platform": "twitter", "displayName": "Sim", "id": 42, "username": "sim",
             "userImage": "https://i/1.png", "profileUrl": "https://x.com/sim", "created": "x"},
            "junk"], "refId": "r", "title": "Primary Profile",
            "created": {"_seconds": 1604578889, "_nanoseconds": 0}});
        let u = user(200, &body).unwrap();
        assert_eq!(u.active_social_accounts, ["twitter", "facebook"]);
        assert_eq!(u.display_names.len(), 1);
        assert_eq!(u.display_names[0].id.as_deref(), Some("42"));
        assert_eq!(u.display_names[0].profile_url.as_deref(), Some("https://x.com/sim"));
        assert_eq!(u.created.as_deref(), Some("2020-11-05T12:21:29Z"));
        let none = user(200, &json!({"title": "T"})).unwrap();
        assert!(none.active_social_accounts.is_empty() && none.display_names.is_empty());
        assert!(matches!(user(200, &json!([])), Err(Failure::Decode(_))));
        assert!(matches!(user(403, &json!({"code": 403})), Err(Failure::Api { .. })));
    }

    #[test]
    fn jwt_reads_url_token_and_expiry_forms() {
        let body = json!({"status": "success", "title": "T", "token": "eyJ.a.b",
                          "url": "https://profile.ayrshare.com?domain=d&jwt=eyJ.a.b", "expiresIn": "30m"});
        let j = jwt(200, &body).unwrap();
        assert_eq!(j.token.expose(), "eyJ.a.b");
        assert_eq!(j.expires_in, Some(Duration::from_secs(1800)));
        assert!(!format!("{j:?}").contains("eyJ.a.b"));
        assert_eq!(duration(&json!(5)), Some(Duration::from_secs(300)));
        assert_eq!(duration(&json!("2h")), Some(Duration::from_secs(7200)));
        assert_eq!(duration(&json!("soon")), None);
        assert!(matches!(jwt(200, &json!({"token": "t"})), Err(Failure::Decode(_))));
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
