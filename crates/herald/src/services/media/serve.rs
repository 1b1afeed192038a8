//! Serving a stored file or thumbnail: one byte range when the client asks for it
//! (`Range: bytes=first-last`, `first-` or `-suffix`; RFC 9110 §14), the whole file
//! otherwise, with an `ETag` that lets a client keep its copy. A file's bytes are read
//! from the store a chunk at a time as the client takes them ([`chunks`]), so a slow
//! reader holds a chunk, never the whole file (security review 3, N2).

use crate::foundation::domain::media::CHUNK_BYTES;
use crate::storage::store::{MediaStore, StoreError};
use axum::body::Bytes;
use futures::{Stream, StreamExt};
use std::sync::Arc;

/// What a request's `Range` asks of a body of known length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// No range, or one Herald does not serve (several, another unit, bad syntax):
    /// RFC 9110 lets a server answer those with the whole body.
    Whole,
    /// Bytes `first..=last`, within the body.
    Part { first: u64, last: u64 },
    /// A range starting past the end (416).
    Unsatisfiable,
}

impl Range {
    /// The range `header` asks of a body of `len` bytes.
    pub fn of(header: Option<&str>, len: u64) -> Self {
        let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
            return Self::Whole;
        };
        let Some((first, last)) = spec.split_once('-').filter(|_| !spec.contains(',')) else {
            return Self::Whole;
        };
        let number = |s: &str| s.trim().parse::<u64>().ok();
        match (first.trim(), last.trim()) {
            ("", suffix) => match number(suffix) {
                None => Self::Whole,
                Some(0) => Self::Unsatisfiable,
                Some(_) if len == 0 => Self::Unsatisfiable,
                Some(n) => Self::Part { first: len.saturating_sub(n), last: len - 1 },
            },
            (first, last) => {
                let Some(first) = number(first) else { return Self::Whole };
                let last = if last.is_empty() { Some(u64::MAX) } else { number(last) };
                match last {
                    Some(last) if last < first => Self::Whole,
                    Some(_) if first >= len => Self::Unsatisfiable,
                    Some(last) => Self::Part { first, last: last.min(len - 1) },
                    None => Self::Whole,
                }
            }
        }
    }
}

/// Bytes `first..=last` of the workspace's medium's file, read from `store` one chunk at
/// a time, each only when the one before has been taken.
pub fn chunks(
    store: Arc<dyn MediaStore>,
    ws: String,
    id: String,
    first: u64,
    last: u64,
) -> impl Stream<Item = Result<Bytes, StoreError>> + Send {
    const CHUNK: u64 = CHUNK_BYTES as u64;
    futures::stream::try_unfold(first, move |at| {
        let (store, ws, id) = (store.clone(), ws.clone(), id.clone());
        async move {
            if at > last {
                return Ok(None);
            }
            let seq = at / CHUNK;
            let chunk = store.media_chunk(&ws, &id, seq).await?.ok_or(StoreError::NotFound)?;
            let start = usize::try_from(at - seq * CHUNK).unwrap_or(usize::MAX);
            let end = usize::try_from(last - seq * CHUNK + 1).unwrap_or(usize::MAX);
            let end = end.min(chunk.len());
            if start >= end {
                let short = format!("chunk {seq} of medium {id} is shorter than its size says");
                return Err(StoreError::Corrupt(short));
            }
            let taken = (end - start) as u64;
            Ok(Some((Bytes::from(chunk).slice(start..end), at + taken)))
        }
    })
    .fuse() // a body may be polled again after its end: it stays ended
}

#[cfg(test)]
mod tests {
    use super::Range::{self, *};

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        let of = |h: &str| Range::of(Some(h), 1000);
        assert_eq!(of("bytes=0-99"), Part { first: 0, last: 99 });
        assert_eq!(of("bytes=990-"), Part { first: 990, last: 999 });
        assert_eq!(of("bytes=-10"), Part { first: 990, last: 999 });
        assert_eq!(of("bytes=-5000"), Part { first: 0, last: 999 }, "a suffix past the start");
        assert_eq!(of("bytes=900-5000"), Part { first: 900, last: 999 }, "cut at the end");
        assert_eq!(of("bytes=1000-"), Unsatisfiable);
        assert_eq!(of("bytes=1000-2000"), Unsatisfiable);
        assert_eq!(of("bytes=-0"), Unsatisfiable);
        assert_eq!(Range::of(Some("bytes=0-"), 0), Unsatisfiable, "nothing to give");
    }

    #[test]
    fn ranges_herald_does_not_serve_are_answered_whole() {
        for h in ["bytes=5-3", "bytes=0-1,5-6", "items=0-1", "bytes=a-b", "bytes=", "bytes=-"] {
            assert_eq!(Range::of(Some(h), 1000), Whole, "{h}");
        }
        assert_eq!(Range::of(None, 1000), Whole);
    }
}
