//! `GET /api/workspaces/{ws}/analytics`: the workspace's figures for a range of post
//! times, and `GET …/posts/{id}/analytics`: one post's, both read from the store (never
//! from Ayrshare on the request path), each figure with its `as_of`. Any member may
//! read. A bad `from`/`to` is 422 `invalid_field` naming it, as for every query
//! parameter; a range over [`MAX_DAYS`] or ending before it starts too.

use super::json::AppQuery;
use crate::coherence::error::{AppError, AppResult};
use crate::gate::auth::extract::{Access, Viewer};
use crate::services::analytics::report::{PostReport, Range, Report, MAX_DAYS};
use crate::services::analytics::Analytics;
use crate::services::posts::PostService;
use crate::services::workspaces::WorkspaceService;
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use utoipa::IntoParams;

/// The default range: this many days up to now.
const DEFAULT_DAYS: i64 = 30;

/// The query of the analytics read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsParams {
    /// Start: RFC 3339, or `YYYY-MM-DD` (that day's start in the workspace zone).
    /// Default: 30 days before `to`.
    pub from: Option<String>,
    /// End (exclusive): RFC 3339, or `YYYY-MM-DD` (that whole day included). Default: now.
    pub to: Option<String>,
}

/// Which end of the range a value is.
#[derive(Debug, Clone, Copy)]
enum End {
    From,
    To,
}

impl End {
    fn field(self) -> &'static str {
        match self {
            Self::From => "from",
            Self::To => "to",
        }
    }
}

/// One end of the range: an instant, or a date in the workspace zone.
fn parse_end(value: &str, end: End, tz: Tz) -> AppResult<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Ok(t.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        AppError::invalid(end.field(), "must be an RFC 3339 time or a date YYYY-MM-DD")
    })?;
    let date = match end {
        End::From => Some(date),
        End::To => date.succ_opt(),
    };
    let date = date.ok_or_else(|| AppError::invalid(end.field(), "date out of range"))?;
    Ok(Range::start_of(tz, date))
}

/// The range the parameters ask for, checked.
fn range(params: &AnalyticsParams, tz: Tz, now: DateTime<Utc>) -> AppResult<Range> {
    let to = params.to.as_deref().map(|v| parse_end(v, End::To, tz)).transpose()?.unwrap_or(now);
    let from = match params.from.as_deref() {
        Some(v) => parse_end(v, End::From, tz)?,
        None => to - Duration::days(DEFAULT_DAYS),
    };
    if from >= to {
        return Err(AppError::invalid("to", "must be after `from`"));
    }
    if to - from > Duration::days(MAX_DAYS) {
        return Err(AppError::invalid("from", format!("a range covers at most {MAX_DAYS} days")));
    }
    Ok(Range { from, to, tz })
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/analytics", tag = "analytics",
    description = "The workspace's figures for posts whose time is in [from, to): totals, per network, per day (in the workspace zone), per post (top first) and per account, from Ayrshare /analytics/post and /analytics/social, normalised across networks (a metric a network lacks is absent, never 0). Every figure carries its `as_of`; `upstream` is `cached` when some figure is older than the refresh policy lets it be or Ayrshare could not be read. Any member may read.",
    params(("ws" = String, Path), AnalyticsParams),
    responses((status = 200, body = Report), (status = 401), (status = 404), (status = 422)))]
pub async fn analytics(
    State(workspaces): State<WorkspaceService>,
    State(analytics): State<Analytics>,
    access: Access<Viewer>,
    AppQuery(params): AppQuery<AnalyticsParams>,
) -> AppResult<Json<Report>> {
    let ws = workspaces.get(&access.workspace_id).await?;
    let tz: Tz = ws.timezone.parse().unwrap_or(Tz::UTC);
    let now = Utc::now();
    let range = range(&params, tz, now)?;
    Ok(Json(analytics.report(&ws, &range, now).await?))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/posts/{id}/analytics", tag = "analytics",
    description = "One post's figures per network (none before Ayrshare was first read for it), each with its `as_of`, summed in `totals`; `upstream` as on the workspace's answer. Any member may read.",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = PostReport), (status = 401), (status = 404)))]
pub async fn post_analytics(
    State(posts): State<PostService>,
    State(analytics): State<Analytics>,
    access: Access<Viewer>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Json<PostReport>> {
    let post = posts.get(&access.workspace_id, &id).await?;
    Ok(Json(analytics.post_report(&access.workspace_id, &post.id, Utc::now()).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(from: Option<&str>, to: Option<&str>) -> AnalyticsParams {
        AnalyticsParams { from: from.map(Into::into), to: to.map(Into::into) }
    }

    #[test]
    fn dates_are_whole_days_in_the_workspace_zone() {
        let tz: Tz = "Europe/Paris".parse().unwrap_or(Tz::UTC);
        let r = range(&params(Some("2025-03-01"), Some("2025-03-01")), tz, Utc::now()).unwrap();
        assert_eq!(r.from.to_rfc3339(), "2025-02-28T23:00:00+00:00");
        assert_eq!(r.to.to_rfc3339(), "2025-03-01T23:00:00+00:00");
    }

    #[test]
    fn bad_or_backwards_or_too_long_ranges_are_refused() {
        let now = Utc::now();
        for (from, to) in [
            (Some("yesterday"), None),
            (None, Some("2025-13-01")),
            (Some("2025-03-02"), Some("2025-03-01")),
            (Some("2020-01-01"), Some("2025-01-01")),
        ] {
            let got = range(&params(from, to), Tz::UTC, now);
            assert!(matches!(got, Err(AppError::Invalid(_))), "{from:?} {to:?}");
        }
        let default = range(&params(None, None), Tz::UTC, now).unwrap();
        assert_eq!(default.to - default.from, Duration::days(30));
    }
}
