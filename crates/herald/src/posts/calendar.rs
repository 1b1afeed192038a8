//! The calendar: a workspace's posts in a window of at most [`MAX_DAYS`] days, by day
//! in the workspace's time zone, each day's posts by time (scheduled, else published,
//! else created). A post belongs to the local date of its time, computed per post with
//! the zone's rules at that instant, so days stay right across a daylight-saving change
//! (a day of 23 or 25 hours holds exactly the posts of that date).

use super::PostService;
use crate::error::{AppError, AppResult};
use crate::names::PostView;
use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

/// The longest window one calendar read may cover.
pub const MAX_DAYS: i64 = 62;
/// The most posts one calendar read returns (a window holding more is cut, latest last).
pub const MAX_POSTS: u32 = 5_000;

/// One day of the calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDay {
    /// `YYYY-MM-DD` in the workspace's time zone.
    #[schema(value_type = String)]
    pub date: NaiveDate,
    pub posts: Vec<PostView>,
}

/// `GET /api/workspaces/{ws}/calendar`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Calendar {
    /// The IANA zone the days are in.
    pub timezone: String,
    /// Every date from the one `from` falls on to the one just before `to`, empty or not.
    pub days: Vec<CalendarDay>,
}

impl PostService {
    /// The workspace's posts whose time is in `[from, to)`, by day in its zone.
    pub async fn calendar(
        &self,
        ws_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> AppResult<Calendar> {
        if to <= from {
            return Err(AppError::invalid("to", "must be after from"));
        }
        if to - from > chrono::Duration::days(MAX_DAYS) {
            return Err(AppError::invalid(
                "to",
                format!("a calendar covers at most {MAX_DAYS} days"),
            ));
        }
        let ws = self.workspace(ws_id).await?;
        let tz: Tz = ws.timezone.parse().unwrap_or(chrono_tz::UTC);
        let posts = self.inner.store.calendar(ws_id, from, to, MAX_POSTS).await?;
        let posts = self.present_all(ws_id, posts).await?;
        let mut days = dates(tz, from, to)
            .map(|date| CalendarDay { date, posts: Vec::new() })
            .collect::<Vec<_>>();
        let first = days.first().map(|d| d.date);
        for post in posts {
            let date = post.post.time().with_timezone(&tz).date_naive();
            let offset = first.map(|first| (date - first).num_days());
            let day = offset.and_then(|o| usize::try_from(o).ok()).and_then(|o| days.get_mut(o));
            if let Some(day) = day {
                day.posts.push(post);
            }
        }
        Ok(Calendar { timezone: tz.name().to_owned(), days })
    }
}

/// The local dates `[from, to)` touches in `tz`.
fn dates(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> impl Iterator<Item = NaiveDate> {
    let first = from.with_timezone(&tz).date_naive();
    let last = (to - chrono::Duration::milliseconds(1)).with_timezone(&tz).date_naive();
    std::iter::successors(Some(first), |d| d.checked_add_days(Days::new(1)))
        .take_while(move |d| *d <= last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_dates_of_a_window_are_those_of_the_zone() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let got: Vec<String> = dates(paris, at("2026-03-28T23:00:00Z"), at("2026-03-30T22:00:00Z"))
            .map(|d| d.to_string())
            .collect();
        assert_eq!(got, ["2026-03-29", "2026-03-30"], "29 March has 23 hours in Paris");
    }
}
