//! The calendar: a workspace's posts in a window of at most [`MAX_DAYS`] days, by day
//! in the workspace's time zone, each day's posts by time (scheduled, else published,
//! else created). A post belongs to the local date of its time, computed per post with
//! the zone's rules at that instant, so days stay right across a daylight-saving change
//! (a day of 23 or 25 hours holds exactly the posts of that date).
//!
//! The answer is written as the posts are read ([`super::stream`]) and holds at most
//! [`MAX_POSTS`] posts and about [`MAX_ANSWER_BYTES`](super::stream::MAX_ANSWER_BYTES): a window holding more is cut
//! after a post, says so (`truncated`, `next_from`, `next_cursor`), and the rest is asked
//! for with `cursor`. Every answer lists every date of the window.

use super::stream::{json_option, json_text, End, Entry, Layout, PostStream};
use super::PostService;
use crate::coherence::error::{AppError, AppResult};
use crate::coherence::names::PostView;
use crate::storage::store::{Cursor, ListQuery, Sort};
use chrono::{DateTime, Days, NaiveDate, SecondsFormat, Utc};
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
    /// The window held more than one answer may: posts from `next_from` on may be
    /// missing; ask again with `cursor` = `next_cursor` for the rest.
    pub truncated: bool,
    /// When truncated, the time from which posts may be missing (the last post's time).
    pub next_from: Option<String>,
    /// When truncated, the `cursor` that asks for the rest of the window.
    pub next_cursor: Option<String>,
}

impl PostService {
    /// The workspace's posts whose time is in `[from, to)`, after `cursor` (the
    /// `next_cursor` of a cut answer), by day in its zone: to write as one answer.
    pub async fn calendar(
        &self,
        ws_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        cursor: Option<Cursor>,
    ) -> AppResult<(PostStream, CalendarLayout)> {
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
        let sort = Sort::ScheduleAsc;
        let query =
            ListQuery { from: Some(from), to: Some(to), sort, cursor, ..ListQuery::default() };
        let posts = self.stream(ws_id, query, MAX_POSTS).await?;
        let layout =
            CalendarLayout { tz, dates: dates(tz, from, to).collect(), day: 0, empty: true };
        Ok((posts, layout))
    }
}

/// How the calendar is written: `{"timezone", "days": [{"date", "posts"}…], "truncated",
/// "next_from", "next_cursor"}`, a post in the day of its local date (posts come by
/// time, so days fill in order).
pub struct CalendarLayout {
    tz: Tz,
    /// The window's dates (never none: a window is at least a millisecond).
    dates: Vec<NaiveDate>,
    /// The day being written.
    day: usize,
    /// It has no post yet.
    empty: bool,
}

impl CalendarLayout {
    fn open_day(&mut self, out: &mut Vec<u8>) {
        let date = self.dates.get(self.day).map(NaiveDate::to_string).unwrap_or_default();
        out.extend_from_slice(format!("{{\"date\":\"{date}\",\"posts\":[").as_bytes());
        self.empty = true;
    }

    fn next_day(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"]},");
        self.day += 1;
        self.open_day(out);
    }
}

impl Layout for CalendarLayout {
    fn open(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"timezone\":");
        out.extend_from_slice(&json_text(self.tz.name()));
        out.extend_from_slice(b",\"days\":[");
        self.open_day(out);
    }

    fn post(&mut self, entry: &Entry, out: &mut Vec<u8>) {
        let date = entry.time.with_timezone(&self.tz).date_naive();
        while self.day + 1 < self.dates.len() && self.dates[self.day] < date {
            self.next_day(out);
        }
        if !self.empty {
            out.push(b',');
        }
        out.extend_from_slice(&entry.json);
        self.empty = false;
    }

    fn close(&mut self, end: &End, out: &mut Vec<u8>) {
        while self.day + 1 < self.dates.len() {
            self.next_day(out);
        }
        out.extend_from_slice(b"]}]");
        let (truncated, from, cursor) = match end {
            End::Whole => (false, None, None),
            End::More { cursor, from } => (
                true,
                Some(from.to_rfc3339_opts(SecondsFormat::Millis, true)),
                Some(cursor.encode()),
            ),
        };
        out.extend_from_slice(format!(",\"truncated\":{truncated},\"next_from\":").as_bytes());
        out.extend_from_slice(&json_option(from.as_deref()));
        out.extend_from_slice(b",\"next_cursor\":");
        out.extend_from_slice(&json_option(cursor.as_deref()));
        out.push(b'}');
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
