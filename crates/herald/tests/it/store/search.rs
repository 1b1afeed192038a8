//! Scenarios for the post listing's text search, filters and sorts, and the calendar.
//! The search scenarios state each query's exact answer, so the same table passing on
//! both backends is both backends answering alike.

use crate::store::harness::{edited, event, post, workspace};
use chrono::{DateTime, Duration, Utc};
use herald::foundation::domain::model::now_ms;
use herald::foundation::domain::{Post, PostStatus, Workspace};
use herald::storage::store::{ListQuery, Sort, Storage, StoreError};
use std::sync::Arc;

/// What a corpus post is: its text, platforms and author.
type Spec<'a> = (&'a str, &'a [&'a str], &'a str);

/// Posts of `ws` from `specs`, created a minute apart (the first the oldest).
async fn corpus(store: &dyn Storage, ws: &Workspace, specs: &[Spec<'_>]) -> Vec<Post> {
    let base = now_ms() - Duration::hours(1);
    let mut posts = Vec::new();
    for (i, (text, platforms, author)) in specs.iter().enumerate() {
        let mut p = post(ws, PostStatus::Draft, platforms);
        p.text = (*text).to_owned();
        p.author = (*author).into();
        p.created_at = base + Duration::minutes(i as i64);
        store.insert_post(&p, &event("create", None)).await.unwrap();
        posts.push(p);
    }
    posts
}

/// Every page of `query`, followed through its cursors: the ids, in order.
async fn listed(store: &dyn Storage, ws: &Workspace, query: ListQuery) -> Vec<String> {
    let mut query = ListQuery { limit: query.limit.max(1), ..query };
    let mut ids = Vec::new();
    loop {
        let page = store.posts(&ws.id, &query).await.unwrap();
        assert!(page.posts.len() <= query.limit as usize);
        ids.extend(page.posts.into_iter().map(|p| p.id));
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => return ids,
        }
    }
}

fn search(q: &str) -> ListQuery {
    ListQuery { q: Some(q.to_owned()), limit: 2, ..ListQuery::default() }
}

const CORPUS: [Spec<'static>; 6] = [
    ("Launch day for the new Herald release!", &["twitter", "linkedin"], "user:alice"),
    ("launching soon: Herald 2.0 (beta)", &["twitter"], "user:bob"),
    ("Our DAY out, then a day off", &["instagram"], "user:alice"),
    ("E-mail me at team@example.com or visit x.com/herald", &["linkedin"], "user:bob"),
    ("Herald's heralds herald", &["twitter"], "user:carol"),
    ("Release notes_v2: daylight, don't-miss", &["twitter"], "user:carol"),
];

pub async fn text_search_finds_whole_words_in_any_case_the_last_as_a_prefix_alike_on_both(
    store: Arc<dyn Storage>,
) {
    let s = &*store;
    let (ws, other) = (workspace("Acme"), workspace("Globex"));
    s.create_workspace(&ws).await.unwrap();
    s.create_workspace(&other).await.unwrap();
    let posts = corpus(s, &ws, &CORPUS).await;
    corpus(s, &other, &[("Launch day elsewhere", &["twitter"], "user:alice")]).await;
    // The answers, newest first, as indexes into CORPUS.
    let table: [(&str, &[usize]); 19] = [
        ("launch", &[1, 0]),
        ("LAUNCH DAY", &[0]),
        ("launch   day!", &[0]),
        ("day", &[5, 2, 0]),
        ("day off", &[2]),
        ("herald release", &[0]),
        ("herald", &[4, 3, 1, 0]),
        ("heralds", &[4]),
        ("mail", &[3]),
        ("example com", &[3]),
        ("x com herald", &[3]),
        ("2 0", &[1]),
        ("notes v2", &[5]),
        ("don t", &[5]),
        ("lease", &[]),
        ("zebra", &[]),
        ("aunch", &[]),
        ("her", &[4, 3, 1, 0]),
        ("he", &[]),
    ];
    for (q, want) in table {
        let want: Vec<String> = want.iter().map(|&i| posts[i].id.clone()).collect();
        assert_eq!(listed(s, &ws, search(q)).await, want, "q = {q:?}");
    }
    let everything: Vec<String> = posts.iter().rev().map(|p| p.id.clone()).collect();
    assert_eq!(listed(s, &ws, search(" ?! ")).await, everything, "no words, no filter");
}

pub async fn text_search_follows_edits_of_a_posts_text(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let posts = corpus(&*store, &ws, &CORPUS[..2]).await;
    let next = edited(&posts[0], "Postponed: see you in spring");
    store.save_post(1, &next, &event("edit", Some(PostStatus::Draft))).await.unwrap();
    assert_eq!(listed(&*store, &ws, search("launch")).await, [posts[1].id.clone()]);
    assert_eq!(listed(&*store, &ws, search("spring")).await, [posts[0].id.clone()]);
    let mut renamed = edited(&next, "Postponed: see you in spring");
    renamed.status = PostStatus::PendingApproval;
    store.save_post(2, &renamed, &event("submit", Some(PostStatus::Draft))).await.unwrap();
    assert_eq!(listed(&*store, &ws, search("spring")).await, [posts[0].id.clone()]);
}

pub async fn platform_author_status_and_time_filters_combine_with_text_search(
    store: Arc<dyn Storage>,
) {
    let s = &*store;
    let ws = workspace("Acme");
    s.create_workspace(&ws).await.unwrap();
    let mut posts = corpus(s, &ws, &CORPUS).await;
    let mut scheduled = edited(&posts[1], &posts[1].text);
    scheduled.status = PostStatus::Scheduled;
    scheduled.schedule_at = Some(now_ms() + Duration::days(3));
    s.save_post(1, &scheduled, &event("edit", Some(PostStatus::Draft))).await.unwrap();
    posts[1] = scheduled;
    let ids = |of: &[usize]| -> Vec<String> { of.iter().map(|&i| posts[i].id.clone()).collect() };
    let herald = || ListQuery { q: Some("herald".into()), limit: 10, ..ListQuery::default() };

    let on_x = ListQuery { platform: Some("twitter".into()), ..herald() };
    assert_eq!(listed(s, &ws, on_x).await, ids(&[4, 1, 0]));
    let by_bob = ListQuery { author: Some("user:bob".into()), ..herald() };
    assert_eq!(listed(s, &ws, by_bob).await, ids(&[3, 1]));
    let drafts = ListQuery { status: Some(PostStatus::Draft), ..herald() };
    assert_eq!(listed(s, &ws, drafts).await, ids(&[4, 3, 0]));
    // By time: the scheduled post is in three days, the others at their creation.
    let soon = now_ms() + Duration::days(1);
    let from = ListQuery { from: Some(soon), ..herald() };
    assert_eq!(listed(s, &ws, from).await, ids(&[1]));
    let window = ListQuery { from: Some(posts[2].created_at), to: Some(soon), ..herald() };
    assert_eq!(listed(s, &ws, window).await, ids(&[4, 3]));
    let none = ListQuery { platform: Some("tiktok".into()), ..ListQuery::default() };
    assert!(listed(s, &ws, none).await.is_empty());
    let all_x = ListQuery { platform: Some("twitter".into()), limit: 2, ..ListQuery::default() };
    assert_eq!(listed(s, &ws, all_x).await, ids(&[5, 4, 1, 0]), "paged, without text");
}

/// Posts whose time is `schedule_at`, else `published_at`, else `created_at`, with ties.
async fn timed_posts(store: &dyn Storage, ws: &Workspace, base: DateTime<Utc>) -> Vec<Post> {
    let mut posts = Vec::new();
    for i in 0..9i64 {
        let mut p = post(ws, PostStatus::Draft, &["twitter"]);
        let at = base + Duration::minutes(10 * (i / 2)); // pairs share a time
        match i % 3 {
            0 => p.schedule_at = Some(at),
            1 => (p.status, p.published_at) = (PostStatus::Published, Some(at)),
            _ => p.created_at = at,
        }
        // Creation order unrelated to time.
        if i % 3 != 2 {
            p.created_at = base - Duration::minutes(i * 7 % 5);
        }
        store.insert_post(&p, &event("create", None)).await.unwrap();
        posts.push(p);
    }
    posts
}

pub async fn posts_sorted_by_time_page_through_cursors_ties_broken_by_id(store: Arc<dyn Storage>) {
    let ws = workspace("Acme");
    store.create_workspace(&ws).await.unwrap();
    let base = now_ms() - Duration::hours(2);
    let mut posts = timed_posts(&*store, &ws, base).await;

    posts.sort_by(|a, b| (a.time(), &a.id).cmp(&(b.time(), &b.id)));
    let by_time: Vec<String> = posts.iter().map(|p| p.id.clone()).collect();
    for limit in [1, 2, 4, 9] {
        let query = ListQuery { sort: Sort::ScheduleAsc, limit, ..ListQuery::default() };
        assert_eq!(listed(&*store, &ws, query).await, by_time, "by time, {limit} a page");
    }
    posts.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    let newest: Vec<String> = posts.iter().map(|p| p.id.clone()).collect();
    let query = ListQuery { limit: 2, ..ListQuery::default() };
    assert_eq!(listed(&*store, &ws, query).await, newest, "newest first");

    let first = ListQuery { sort: Sort::ScheduleAsc, limit: 3, ..ListQuery::default() };
    let page = store.posts(&ws.id, &first).await.unwrap();
    let cursor = page.next.expect("a next page");
    assert_eq!(cursor.sort, Sort::ScheduleAsc);
    let mixed = ListQuery { cursor: Some(cursor), ..ListQuery::default() };
    let err = store.posts(&ws.id, &mixed).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid { field: "cursor", .. }), "got {err:?}");
}

pub async fn calendar_lists_the_posts_whose_time_is_in_the_window_by_time(store: Arc<dyn Storage>) {
    let (ws, other) = (workspace("Acme"), workspace("Globex"));
    store.create_workspace(&ws).await.unwrap();
    store.create_workspace(&other).await.unwrap();
    let base = now_ms() - Duration::hours(2);
    let mut posts = timed_posts(&*store, &ws, base).await;
    timed_posts(&*store, &other, base).await;
    posts.sort_by(|a, b| (a.time(), &a.id).cmp(&(b.time(), &b.id)));
    let (from, to) = (base + Duration::minutes(10), base + Duration::minutes(30));
    let want: Vec<String> =
        posts.iter().filter(|p| p.time() >= from && p.time() < to).map(|p| p.id.clone()).collect();
    assert_eq!(want.len(), 4, "two pairs of times in [from, to)");

    let got = store.calendar(&ws.id, from, to, 100).await.unwrap();
    assert_eq!(got.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), want);
    let capped = store.calendar(&ws.id, from, to, 3).await.unwrap();
    assert_eq!(capped.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), want[..3]);
    assert!(store.calendar(&ws.id, to, to, 100).await.unwrap().is_empty(), "empty window");
}
