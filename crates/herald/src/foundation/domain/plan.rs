//! Planning records (API.md "Plan"): a workspace's posting queue — weekly slots in its
//! time zone — and the instants those slots fall on, DST-correct; and RSS / Atom feeds.
//!
//! A slot is a weekday and a wall-clock time in the workspace's zone. Its instant on a
//! given date is that local time resolved with chrono-tz: a time that happens twice (the
//! autumn change) is the first of the two; a time that does not happen (the spring gap)
//! is the same time an hour later, the first instant that day's clocks show after it.

use ayrshare::Platform;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::validate::FieldError;

/// The most slots a queue may have (a slot every half hour of the week).
pub const MAX_SLOTS: usize = 336;

/// A day of the week, as the API names it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    fn weekday(self) -> Weekday {
        match self {
            Self::Mon => Weekday::Mon,
            Self::Tue => Weekday::Tue,
            Self::Wed => Weekday::Wed,
            Self::Thu => Weekday::Thu,
            Self::Fri => Weekday::Fri,
            Self::Sat => Weekday::Sat,
            Self::Sun => Weekday::Sun,
        }
    }
}

/// One weekly slot, as sent and answered: `{"weekday": "mon", "time": "09:00"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    pub weekday: Day,
    /// `HH:MM`, 24-hour, in the workspace's zone.
    pub time: String,
}

impl Slot {
    fn local_time(&self) -> Option<NaiveTime> {
        let (h, m) = self.time.split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
    }
}

/// A workspace's queue: its slots (sorted, distinct) and whether it is paused.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Queue {
    pub slots: Vec<Slot>,
    pub paused: bool,
}

/// Checks and normalises slots: each time `HH:MM`, none twice, at most [`MAX_SLOTS`];
/// sorted by weekday then time.
pub fn slots(mut list: Vec<Slot>) -> Result<Vec<Slot>, FieldError> {
    if list.len() > MAX_SLOTS {
        return Err(FieldError::new("slots", format!("At most {MAX_SLOTS} slots.")));
    }
    for (i, slot) in list.iter().enumerate() {
        if slot.local_time().is_none() {
            return Err(FieldError::new(
                "slots",
                format!("Slot {}: time must be HH:MM (00:00 to 23:59).", i + 1),
            ));
        }
    }
    list.sort_by(|a, b| (a.weekday, &a.time).cmp(&(b.weekday, &b.time)));
    if list.windows(2).any(|w| w[0] == w[1]) {
        return Err(FieldError::new("slots", "A slot is listed twice."));
    }
    Ok(list)
}

/// The instant a local date and time falls on in `tz` (see the module docs).
pub fn resolve(tz: Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    let local = date.and_time(time);
    let at = tz
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(local + Duration::hours(1))).earliest())?;
    Some(at.with_timezone(&Utc))
}

/// Up to `count` slot instants strictly after `after`, in order, looking at most
/// `horizon_days` ahead.
pub fn upcoming(
    tz: Tz,
    slots: &[Slot],
    after: DateTime<Utc>,
    count: usize,
    horizon_days: u32,
) -> Vec<DateTime<Utc>> {
    let times: Vec<(Weekday, NaiveTime)> =
        slots.iter().filter_map(|s| Some((s.weekday.weekday(), s.local_time()?))).collect();
    let mut out = Vec::new();
    if times.is_empty() {
        return out;
    }
    let mut date = after.with_timezone(&tz).date_naive();
    for _ in 0..=horizon_days {
        let mut day: Vec<DateTime<Utc>> = times
            .iter()
            .filter(|(w, _)| *w == date.weekday())
            .filter_map(|(_, t)| resolve(tz, date, *t))
            .filter(|at| *at > after)
            .collect();
        day.sort();
        day.dedup();
        for at in day {
            if out.len() == count {
                return out;
            }
            out.push(at);
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    out
}

/// A feed polled into drafts.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub id: String,
    pub workspace_id: String,
    pub url: String,
    pub platforms: Vec<Platform>,
    pub template: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(day: Day, time: &str) -> Slot {
        Slot { weekday: day, time: time.into() }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn slots_are_checked_sorted_and_distinct() {
        let sorted = slots(vec![slot(Day::Tue, "08:00"), slot(Day::Mon, "09:30")]).unwrap();
        assert_eq!(sorted, vec![slot(Day::Mon, "09:30"), slot(Day::Tue, "08:00")]);
        for bad in ["9:00", "24:00", "09:60", "0900", "ab:cd"] {
            assert!(slots(vec![slot(Day::Mon, bad)]).is_err(), "{bad}");
        }
        assert!(slots(vec![slot(Day::Mon, "09:00"), slot(Day::Mon, "09:00")]).is_err());
    }

    #[test]
    fn slot_instants_follow_the_zone_across_daylight_saving_changes() {
        let tz: Tz = "Europe/London".parse().unwrap();
        let list = [slot(Day::Sun, "09:00")];
        // 2026-03-29 is the spring change in London: 09:00 is BST (08:00 UTC) that day.
        let got = upcoming(tz, &list, utc("2026-03-21T12:00:00Z"), 2, 30);
        assert_eq!(got, vec![utc("2026-03-22T09:00:00Z"), utc("2026-03-29T08:00:00Z")]);
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_an_hour_on_and_a_doubled_one_takes_the_first() {
        let tz: Tz = "Europe/London".parse().unwrap();
        let gap = upcoming(tz, &[slot(Day::Sun, "01:30")], utc("2026-03-28T00:00:00Z"), 1, 10);
        assert_eq!(gap, vec![utc("2026-03-29T01:30:00Z")]);
        let twice = upcoming(tz, &[slot(Day::Sun, "01:30")], utc("2026-10-24T00:00:00Z"), 1, 10);
        assert_eq!(twice, vec![utc("2026-10-25T00:30:00Z")]);
    }

    #[test]
    fn only_instants_after_the_start_are_given() {
        let tz: Tz = "UTC".parse().unwrap();
        let list = [slot(Day::Mon, "09:00"), slot(Day::Mon, "10:00")];
        let got = upcoming(tz, &list, utc("2026-03-23T09:00:00Z"), 3, 30);
        let want = ["2026-03-23T10:00:00Z", "2026-03-30T09:00:00Z", "2026-03-30T10:00:00Z"];
        assert_eq!(got, want.map(utc).to_vec());
    }
}
