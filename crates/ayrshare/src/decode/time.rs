//! Normalisation of Ayrshare date fields to UTC ISO-8601 strings.
//!
//! Dates arrive as plain ISO strings, as Firestore timestamp objects
//! `{"_seconds", "_nanoseconds", "utc"?}` (older answers lack `utc`), or,
//! rarely, as bare epoch numbers. All become `YYYY-MM-DDThh:mm:ssZ` strings.

use serde_json::Value;

/// Largest magnitude treated as epoch *seconds*; bigger numbers are read as milliseconds.
const MAX_EPOCH_SECONDS: f64 = 1e11;

/// `v` (a date field value) as a UTC ISO string, if it is one of the known forms.
///
/// Strings pass through unchanged. Objects use `utc` when present, else
/// `_seconds` (or `seconds`); sub-second parts are dropped, as Ayrshare's own
/// `utc` strings do.
pub(crate) fn timestamp(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => {
            let f = n.as_f64()?;
            let secs = if f.abs() > MAX_EPOCH_SECONDS { f / 1000.0 } else { f };
            iso_from_unix(secs.floor() as i64)
        }
        Value::Object(o) => {
            if let Some(Value::String(utc)) = o.get("utc").or_else(|| o.get("UTC")) {
                if !utc.is_empty() {
                    return Some(utc.clone());
                }
            }
            let secs = o.get("_seconds").or_else(|| o.get("seconds"))?;
            let secs = secs.as_i64().or_else(|| secs.as_f64().map(|f| f.floor() as i64))?;
            iso_from_unix(secs)
        }
        _ => None,
    }
}

/// Formats Unix seconds as `YYYY-MM-DDThh:mm:ssZ`; `None` outside years 1..=9999.
pub(crate) fn iso_from_unix(secs: i64) -> Option<String> {
    // 0001-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z
    if !(-62_135_596_800..=253_402_300_799).contains(&secs) {
        return None;
    }
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    ))
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
/// Howard Hinnant's `civil_from_days` algorithm.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_passes_through() {
        assert_eq!(
            timestamp(&json!("2024-11-19T19:00:14Z")).as_deref(),
            Some("2024-11-19T19:00:14Z")
        );
        assert_eq!(timestamp(&json!("")), None);
    }

    #[test]
    fn object_with_utc_uses_utc() {
        let v = json!({"_seconds": 1, "_nanoseconds": 0, "utc": "2020-11-05T12:21:29Z"});
        assert_eq!(timestamp(&v).as_deref(), Some("2020-11-05T12:21:29Z"));
    }

    #[test]
    fn object_without_utc_is_computed_from_seconds() {
        let v = json!({"_seconds": 1604578889, "_nanoseconds": 211000000});
        assert_eq!(timestamp(&v).as_deref(), Some("2020-11-05T12:21:29Z"));
    }

    #[test]
    fn numbers_and_edges() {
        assert_eq!(timestamp(&json!(0)).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(timestamp(&json!(1604578889000_i64)).as_deref(), Some("2020-11-05T12:21:29Z"));
        assert_eq!(iso_from_unix(951_782_400).as_deref(), Some("2000-02-29T00:00:00Z"));
        assert_eq!(iso_from_unix(-1).as_deref(), Some("1969-12-31T23:59:59Z"));
        assert_eq!(iso_from_unix(i64::MAX), None);
        assert_eq!(timestamp(&json!({"_seconds": "x"})), None);
        assert_eq!(timestamp(&json!(null)), None);
        assert_eq!(timestamp(&json!(1e300)), None);
    }
}
