//! The post listing, built from the parts a [`ListQuery`] asks for (a filter left out is
//! left out of the statement, so each shape is a plain indexed query), and the text
//! search the backends answer alike.
//!
//! **Same words on both backends.** A word is a run of letters and digits, compared
//! case-insensitively and whole, the last word of a query also as a prefix when it has
//! at least [`MIN_PREFIX`] characters (a shorter one expands to most of the index's
//! words, across every workspace, before the workspace narrows them: 114-212 ms at p99
//! among 1M posts, against under 10 ms for whole words; see BENCHMARKS.md). SQLite
//! indexes posts in FTS5 with the `unicode61` tokenizer (tokens are runs of letters and
//! digits, case-folded; diacritics kept), PostgreSQL in a `tsvector` of the `simple`
//! configuration (lowercased, no stemming, no stop words) over the text with every
//! other character replaced by a space, so its parser splits where unicode61 does
//! (`x.com`, `e-mail`, `don't`). The query's words are cut the same way in Rust
//! ([`query_words`]) and handed to each backend in its syntax (`"word" "pre"*` and
//! `'word' & 'pre':*`), all required. For ordinary words (ASCII letters and digits) the
//! two find the same posts; letters outside ASCII follow each backend's case rules
//! (PostgreSQL's depend on the database's `LC_CTYPE`).
//!
//! **Indexed.** The text condition is served by the FTS5 index (SQLite: the matching
//! `search_id`s, then `posts_by_search_id`) or the GIN index `posts_search`
//! (PostgreSQL), never by reading posts' text; the other filters narrow what it finds.
//! Without text, a listing walks `posts_by_workspace` (newest first) or `posts_by_time`
//! (by time) in order and stops at the page's end.

use super::post_time;
use crate::storage::store::{query_words, Cursor, ListQuery, Sort, StoreError};

/// A value bound to a built statement.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::storage::store) enum Arg {
    Text(String),
    Int(i64),
}

/// A statement and its arguments, bound in order to `$1`, `$2`, ….
#[derive(Debug, Clone, PartialEq)]
pub(in crate::storage::store) struct Built {
    pub sql: String,
    pub args: Vec<Arg>,
}

/// How a backend writes text search: the condition that a post matches the query in
/// parameter `$n`, and that query's value from the query's words.
pub(in crate::storage::store) struct TextSearch {
    pub condition: fn(usize) -> String,
    pub query: fn(&[String]) -> String,
}

/// SQLite: the posts whose `search_id` the FTS5 index finds.
pub(in crate::storage::store) const FTS5: TextSearch = TextSearch {
    condition: |n| {
        format!("posts.search_id IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ${n})")
    },
    query: |words| fts5_query(words),
};

/// PostgreSQL: the posts whose generated `search` vector matches.
pub(in crate::storage::store) const TSQUERY: TextSearch = TextSearch {
    condition: |n| format!("posts.search @@ to_tsquery('simple', ${n})"),
    query: |words| tsquery(words),
};

/// The shortest last word searched as a prefix too.
const MIN_PREFIX: usize = 3;

/// Whether the last of `words` is searched as a prefix too.
fn last_is_prefix(words: &[String]) -> bool {
    words.last().is_some_and(|w| w.chars().count() >= MIN_PREFIX)
}

/// `"w1" "w2" "w3"*`: every word (FTS5 joins them with AND), the last as a prefix (see
/// [`MIN_PREFIX`]). Words hold only letters and digits, so quoting needs no escapes.
fn fts5_query(words: &[String]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    let star = if last_is_prefix(words) { "*" } else { "" };
    format!("{}{star}", quoted.join(" "))
}

/// `'w1' & 'w2' & 'w3':*`, as [`fts5_query`].
fn tsquery(words: &[String]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let star = if last_is_prefix(words) { ":*" } else { "" };
    format!("{}{star}", quoted.join(" & "))
}

/// Accumulates a statement's text and arguments, numbering parameters as they come.
struct Builder {
    sql: String,
    args: Vec<Arg>,
}

impl Builder {
    /// Binds `arg` and returns its parameter's number.
    fn bind(&mut self, arg: Arg) -> usize {
        self.args.push(arg);
        self.args.len()
    }

    /// Adds ` AND <column> <op> $n` for `arg`.
    fn and(&mut self, column: &str, op: &str, arg: Arg) {
        let n = self.bind(arg);
        self.sql.push_str(&format!(" AND {column} {op} ${n}"));
    }
}

/// The sort key's expression and the listing's direction.
fn order_of(sort: Sort) -> (&'static str, &'static str, &'static str) {
    match sort {
        Sort::CreatedDesc => ("created_at", "DESC", "<"),
        Sort::ScheduleAsc => (post_time!(), "ASC", ">"),
    }
}

/// The page of `q` in workspace `workspace_id`: one row more than `q.limit`, so the
/// caller can tell whether there is a next page. `Invalid` for a cursor of another sort.
pub(in crate::storage::store) fn posts_page(
    workspace_id: &str,
    q: &ListQuery,
    search: &TextSearch,
    has_platform: fn(usize) -> String,
) -> Result<Built, StoreError> {
    let mut b = Builder { sql: String::new(), args: Vec::new() };
    let ws = b.bind(Arg::Text(workspace_id.to_owned()));
    b.sql = format!("SELECT {} FROM posts WHERE workspace_id = ${ws}", post_columns!());
    filter(&mut b, q, search, has_platform);
    let (key, direction, after) = order_of(q.sort);
    if let Some(cursor) = &q.cursor {
        page_after(&mut b, cursor, q.sort, key, after)?;
    }
    let limit = b.bind(Arg::Int(i64::from(q.limit) + 1));
    b.sql.push_str(&format!(" ORDER BY {key} {direction}, id {direction} LIMIT ${limit}"));
    Ok(Built { sql: b.sql, args: b.args })
}

/// The filters `q` sets, each a condition.
fn filter(b: &mut Builder, q: &ListQuery, search: &TextSearch, has_platform: fn(usize) -> String) {
    if let Some(status) = q.status {
        b.and("status", "=", Arg::Text(status.as_str().to_owned()));
    }
    if let Some(author) = &q.author {
        b.and("author", "=", Arg::Text(author.to_string()));
    }
    if let Some(platform) = &q.platform {
        let n = b.bind(Arg::Text(platform.clone()));
        b.sql.push_str(&format!(" AND {}", has_platform(n)));
    }
    if let Some(from) = q.from {
        b.and(post_time!(), ">=", Arg::Int(from.timestamp_millis()));
    }
    if let Some(to) = q.to {
        b.and(post_time!(), "<", Arg::Int(to.timestamp_millis()));
    }
    let words = q.q.as_deref().map(query_words).unwrap_or_default();
    if !words.is_empty() {
        let n = b.bind(Arg::Text((search.query)(&words)));
        b.sql.push_str(&format!(" AND {}", (search.condition)(n)));
    }
}

/// Keyset paging: the rows after `cursor` in the sort's direction.
fn page_after(
    b: &mut Builder,
    cursor: &Cursor,
    sort: Sort,
    key: &str,
    after: &str,
) -> Result<(), StoreError> {
    if cursor.sort != sort {
        return Err(StoreError::Invalid { field: "cursor", message: "of another sort" });
    }
    let k = b.bind(Arg::Int(cursor.key_ms));
    let id = b.bind(Arg::Text(cursor.id.clone()));
    // Written out rather than as `(key, id) > (k, id)`: SQLite ranges an index on an
    // expression by `key >= k`, not by a row value.
    b.sql.push_str(&format!(
        " AND {key} {after}= ${k} AND ({key} {after} ${k} OR id {after} ${id})"
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::foundation::domain::PostStatus;

    fn has_platform(n: usize) -> String {
        format!("has({n})")
    }

    #[test]
    fn each_filter_adds_one_numbered_condition() {
        let q = ListQuery {
            status: Some(PostStatus::Draft),
            limit: 10,
            q: Some("Launch day".into()),
            platform: Some("x".into()),
            sort: Sort::ScheduleAsc,
            cursor: Some(Cursor { sort: Sort::ScheduleAsc, key_ms: 5, id: "p".into() }),
            ..ListQuery::default()
        };
        let built = posts_page("ws", &q, &TSQUERY, has_platform).unwrap();
        assert!(built.sql.contains("status = $2 AND has(3) AND posts.search @@"), "{}", built.sql);
        let time = "(COALESCE(schedule_at, published_at, created_at))";
        let tail = format!(
            "{time} >= $5 AND ({time} > $5 OR id > $6) ORDER BY {time} ASC, id ASC LIMIT $7"
        );
        assert!(built.sql.ends_with(&tail), "{}", built.sql);
        assert_eq!(built.args[3], Arg::Text("'launch' & 'day':*".into()));
        assert_eq!(built.args[6], Arg::Int(11));
    }

    #[test]
    fn an_unfiltered_listing_is_the_workspace_newest_first() {
        let q = ListQuery { limit: 3, q: Some(" !! ".into()), ..ListQuery::default() };
        let built = posts_page("ws", &q, &FTS5, has_platform).unwrap();
        assert!(built.sql.ends_with(
            "FROM posts WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ));
        assert_eq!(built.args, [Arg::Text("ws".into()), Arg::Int(4)]);
    }

    #[test]
    fn a_cursor_of_another_sort_is_invalid() {
        let cursor = Cursor { sort: Sort::CreatedDesc, key_ms: 5, id: "p".into() };
        let q = ListQuery { sort: Sort::ScheduleAsc, cursor: Some(cursor), ..ListQuery::default() };
        let err = posts_page("ws", &q, &FTS5, has_platform).unwrap_err();
        assert!(matches!(err, StoreError::Invalid { field: "cursor", .. }), "{err:?}");
    }

    #[test]
    fn queries_require_every_word_and_the_last_as_a_prefix_from_three_letters() {
        let words = vec!["launch".to_owned(), "day".to_owned()];
        assert_eq!(fts5_query(&words), "\"launch\" \"day\"*");
        assert_eq!(tsquery(&words), "'launch' & 'day':*");
        let short = vec!["launch".to_owned(), "da".to_owned()];
        assert_eq!(fts5_query(&short), "\"launch\" \"da\"");
        assert_eq!(tsquery(&short), "'launch' & 'da'");
    }
}
