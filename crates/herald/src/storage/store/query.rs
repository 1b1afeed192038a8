//! What a caller asks the store for when it lists posts: a [`ListQuery`] (filters, text
//! search, one of two [`Sort`]s, a [`Cursor`]) answered by a [`Page`], and a
//! [`DueQuery`] for the posts due to publish.

use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::{Actor, Post, PostStatus};
use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;

/// The order of a post listing; ties are broken by id in the same direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Newest first (`-created_at`), the default.
    #[default]
    CreatedDesc,
    /// By the post's time ([`Post::time`]: scheduled, else published, else created),
    /// earliest first (`schedule_at`).
    ScheduleAsc,
}

impl Sort {
    pub const ALL: [Sort; 2] = [Self::CreatedDesc, Self::ScheduleAsc];

    /// The API's name (`sort=`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreatedDesc => "-created_at",
            Self::ScheduleAsc => "schedule_at",
        }
    }

    /// The key `post` is ordered by, in epoch milliseconds.
    pub fn key_of(self, post: &Post) -> i64 {
        match self {
            Self::CreatedDesc => to_ms(post.created_at),
            Self::ScheduleAsc => to_ms(post.time()),
        }
    }
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Sort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|o| o.as_str() == s).ok_or_else(|| format!("unknown sort `{s}`"))
    }
}

/// Position in a post listing: the sort it belongs to, and the sort key and id of the
/// last post of the page before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub sort: Sort,
    pub key_ms: i64,
    pub id: String,
}

impl Cursor {
    /// The cursor after `post` in a listing sorted by `sort`.
    pub fn after(sort: Sort, post: &Post) -> Self {
        Cursor { sort, key_ms: sort.key_of(post), id: post.id.clone() }
    }

    /// The opaque form clients pass back: `<key_ms>.<id>` for [`Sort::CreatedDesc`] (the
    /// form cursors had before there was a choice), `t<key_ms>.<id>` for
    /// [`Sort::ScheduleAsc`].
    pub fn encode(&self) -> String {
        let tag = match self.sort {
            Sort::CreatedDesc => "",
            Sort::ScheduleAsc => "t",
        };
        format!("{tag}{}.{}", self.key_ms, self.id)
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let (sort, rest) = match raw.strip_prefix('t') {
            Some(rest) => (Sort::ScheduleAsc, rest),
            None => (Sort::CreatedDesc, raw),
        };
        let (ms, id) = rest.split_once('.')?;
        let id_ok = !id.is_empty()
            && id.len() <= 64
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        id_ok.then(|| Some(Cursor { sort, key_ms: ms.parse().ok()?, id: id.to_owned() }))?
    }
}

/// A post listing request. Filters combine (all must hold); `from`/`to` bound the post's
/// time ([`Post::time`]) to `[from, to)`. A `cursor` must be of the query's `sort`
/// (otherwise the listing is [`StoreError::Invalid`](super::StoreError::Invalid) of
/// `cursor`).
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub status: Option<PostStatus>,
    pub limit: u32,
    pub cursor: Option<Cursor>,
    /// Words the post's text must contain, whole and in any case; the last word, when it
    /// has three letters or more, may be the start of a word. Words are runs of letters
    /// and digits; a query without any filters nothing.
    pub q: Option<String>,
    /// Only posts that include this network.
    pub platform: Option<String>,
    /// Only posts by this actor.
    pub author: Option<Actor>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub sort: Sort,
}

/// A page of posts in the query's order, with the cursor of the next page if there is
/// one.
#[derive(Debug, Clone)]
pub struct Page {
    pub posts: Vec<Post>,
    pub next: Option<Cursor>,
}

/// Which due posts to claim: those of one workspace or of all, due at `now`, at most
/// `limit`.
#[derive(Debug, Clone)]
pub struct DueQuery {
    pub workspace_id: Option<String>,
    pub now: DateTime<Utc>,
    pub limit: u32,
}

/// The words of a text query: runs of letters and digits, lowercased, at most
/// [`MAX_WORDS`]. Both backends index the same words (see `sql::search`).
pub fn query_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(str::to_lowercase)
        .collect()
}

/// More words than this in a text query are ignored.
pub const MAX_WORDS: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_in_both_sorts_and_old_cursors_still_read() {
        for sort in Sort::ALL {
            let c = Cursor { sort, key_ms: -1_700_000_000_123, id: "0190-abc".into() };
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        let old = Cursor::decode("1700000000123.0190-abc").unwrap();
        assert_eq!((old.sort, old.key_ms), (Sort::CreatedDesc, 1_700_000_000_123));
        for bad in ["", "t", "1.", ".id", "x1.id", "t1.id/../", "1.id;drop"] {
            assert_eq!(Cursor::decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn sorts_round_trip_through_their_api_names() {
        for sort in Sort::ALL {
            assert_eq!(sort.as_str().parse::<Sort>(), Ok(sort));
        }
        assert_eq!(Sort::default(), Sort::CreatedDesc);
    }

    #[test]
    fn query_words_are_lowercased_runs_of_letters_and_digits() {
        assert_eq!(
            query_words("  Launch-day, X.com 2024! "),
            ["launch", "day", "x", "com", "2024"]
        );
        assert!(query_words("!!! ...").is_empty());
        assert_eq!(query_words(&"a ".repeat(40)).len(), MAX_WORDS);
    }
}
