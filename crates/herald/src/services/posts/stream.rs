//! Answers of many posts (the post list, the calendar) written as they are read from the
//! store, and capped in bytes as well as in posts (security review N2: such answers were
//! built whole per request and held while a slow client read them; 8 calendar readers
//! held 1.9 GB).
//!
//! The store is read in keyset pages ([`PostStore::posts`]) sized to about [`PAGE_BYTES`] of
//! JSON from the sizes seen so far; each page is serialised post by post, and posts past
//! the answer's budget ([`MAX_ANSWER_BYTES`]) are dropped as soon as they are read. A
//! page's JSON is handed to the body as the client takes it, so what a slow reader holds
//! is about one page (and the next page is read only once the client has taken the one
//! before). A cut never splits a post, and the first post always fits: every answer
//! moves its reader on. The shape of the answer is a [`Layout`]'s.
//!
//! [`PostStore::posts`]: crate::storage::store::PostStore::posts

use super::PostService;
use crate::coherence::error::{AppError, AppResult};
use crate::storage::store::{Cursor, ListQuery};
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};
use std::collections::VecDeque;

/// The most bytes one answer of posts holds (about: a cut never splits a post, and the
/// answer's frame comes on top).
pub const MAX_ANSWER_BYTES: usize = 4 << 20;
/// About how much JSON one page read from the store holds.
const PAGE_BYTES: usize = 512 << 10;
/// The first page's size, before any post's size is known (8 of the largest posts are
/// about 2 MB).
const FIRST_PAGE: u32 = 8;
/// The largest page read from the store.
const MAX_PAGE: u32 = 200;
/// The body is handed on in chunks of about this size.
const CHUNK_BYTES: usize = 64 << 10;

/// One post of an answer, serialised.
pub struct Entry {
    /// The post as clients see it, as JSON.
    pub json: Vec<u8>,
    /// The post's time ([`crate::foundation::domain::Post::time`]).
    pub time: DateTime<Utc>,
}

/// How an answer ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// Every post asked for is in it.
    Whole,
    /// More posts follow `cursor`, all at or after `from` (the last post's time): cut
    /// by the byte cap, or by the answer's count of posts.
    More { cursor: Cursor, from: DateTime<Utc> },
}

/// The shape of an answer: its opening, each post, and its end.
pub trait Layout: Send + 'static {
    fn open(&mut self, out: &mut Vec<u8>);
    fn post(&mut self, entry: &Entry, out: &mut Vec<u8>);
    fn close(&mut self, end: &End, out: &mut Vec<u8>);
}

/// The posts of one answer, read page by page: what is read and not yet written, and
/// where the listing stands.
pub struct PostStream {
    posts: PostService,
    ws_id: String,
    query: ListQuery,
    /// Posts the answer may still hold.
    left: u32,
    /// Bytes the answer may still hold.
    room: usize,
    /// JSON bytes and posts read so far (to size pages).
    read: (usize, u32),
    pending: VecDeque<Entry>,
    /// The cursor and time of the last post taken into the answer.
    last: Option<(Cursor, DateTime<Utc>)>,
    /// The store may hold more posts after `last`.
    more: bool,
    /// The answer ends here (its posts are in `pending`).
    end: Option<End>,
}

impl PostService {
    /// The posts of `query` (at most `max_posts`, following its cursor) to write as one
    /// answer; the first page is read here, so a bad query fails before anything is sent.
    pub async fn stream(
        &self,
        ws_id: &str,
        query: ListQuery,
        max_posts: u32,
    ) -> AppResult<PostStream> {
        self.workspace(ws_id).await?;
        let mut stream = PostStream {
            posts: self.clone(),
            ws_id: ws_id.to_owned(),
            query,
            left: max_posts,
            room: MAX_ANSWER_BYTES,
            read: (0, 0),
            pending: VecDeque::new(),
            last: None,
            more: true,
            end: None,
        };
        stream.fill().await?;
        Ok(stream)
    }
}

impl PostStream {
    /// Reads the next page unless posts are pending or the answer is complete; settles
    /// how the answer ends once nothing more will be read.
    async fn fill(&mut self) -> AppResult<()> {
        if !self.pending.is_empty() || self.end.is_some() {
            return Ok(());
        }
        if self.left == 0 || !self.more {
            self.end = Some(self.ending());
            return Ok(());
        }
        self.query.limit = self.page_size();
        let page = self.posts.inner.posts.posts(&self.ws_id, &self.query).await?;
        self.more = page.next.is_some();
        let sort = self.query.sort;
        let views = self.posts.present_all(&self.ws_id, page.posts).await?;
        for view in views {
            let json = serde_json::to_vec(&view).map_err(|e| AppError::Internal(e.into()))?;
            self.read = (self.read.0 + json.len(), self.read.1 + 1);
            if json.len() > self.room && self.last.is_some() {
                self.more = true;
                self.end = Some(self.ending());
                return Ok(());
            }
            self.room = self.room.saturating_sub(json.len());
            self.left -= 1;
            let cursor = Cursor::after(sort, &view.post);
            let time = view.post.time();
            self.query.cursor = Some(cursor.clone());
            self.last = Some((cursor, time));
            self.pending.push_back(Entry { json, time });
        }
        Ok(())
    }

    /// How the answer ends, all it holds read.
    fn ending(&self) -> End {
        match (&self.last, self.more) {
            (Some((cursor, from)), true) => End::More { cursor: cursor.clone(), from: *from },
            _ => End::Whole,
        }
    }

    /// About [`PAGE_BYTES`] of posts of the sizes read so far, at most the posts left.
    fn page_size(&self) -> u32 {
        let size = match self.read {
            (_, 0) => FIRST_PAGE,
            (bytes, n) => {
                let average = (bytes / n as usize).max(1);
                u32::try_from(PAGE_BYTES / average).unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE)
            }
        };
        size.min(self.left)
    }

    /// The answer in `layout`, as body chunks; a store failure after the first page ends
    /// the body early (the client sees a cut answer, never a wrong one).
    pub fn body(self, layout: impl Layout) -> impl Stream<Item = Result<Bytes, AppError>> + Send {
        let state = Some((self, layout, false));
        futures::stream::unfold(state, |state| async move {
            let (mut stream, mut layout, opened) = state?;
            let mut out = Vec::with_capacity(CHUNK_BYTES);
            if !opened {
                layout.open(&mut out);
            }
            match stream.chunk(&mut layout, &mut out).await {
                Ok(true) => Some((Ok(out.into()), None)),
                Ok(false) => Some((Ok(out.into()), Some((stream, layout, true)))),
                Err(e) => {
                    tracing::warn!(error = %e, "an answer of posts ended early");
                    Some((Err(e), None))
                }
            }
        })
        // The compression layer's encoder may poll its body again after the end, which
        // `unfold` forbids (a panic): fused, the end stays the end.
        .fuse()
    }

    /// Writes pending posts to `out` up to about a chunk, reading a page when none are
    /// pending and nothing is written yet; true once the answer's end is written.
    async fn chunk(&mut self, layout: &mut impl Layout, out: &mut Vec<u8>) -> AppResult<bool> {
        loop {
            while out.len() < CHUNK_BYTES {
                let Some(entry) = self.pending.pop_front() else { break };
                layout.post(&entry, out);
            }
            if !self.pending.is_empty() {
                return Ok(false);
            }
            if let Some(end) = &self.end {
                layout.close(end, out);
                return Ok(true);
            }
            if !out.is_empty() {
                return Ok(false);
            }
            self.fill().await?;
        }
    }
}

/// `text` as a JSON string.
pub fn json_text(text: &str) -> Vec<u8> {
    serde_json::to_vec(text).unwrap_or_else(|_| b"null".to_vec())
}

/// `text` as a JSON string, or null.
pub fn json_option(text: Option<&str>) -> Vec<u8> {
    text.map_or_else(|| b"null".to_vec(), json_text)
}
