//! The dashboard answer's representations: the raw JSON and its `br`, `zstd` and `gzip`
//! encodings, each with its own weak ETag, made once per cached view (per instance) on
//! first request and kept beside the raw body, so a hit never compresses nor formats a
//! tag. Bounded: only representations actually asked for are made; the full answer and
//! the head-only answer (`limit=0`) have fixed slots, and at most
//! [`MAX_PARTIAL`] other `(limit, encoding)` pairs are kept per view (more are served
//! uncompressed, never compressed per request).
//!
//! [`Encoding::negotiate`] reads `Accept-Encoding` with its q-values (RFC 9110 §12.5.3).
//! The codecs are the `brotli`, `zstd` and `flate2` crates.

use axum::body::Bytes;
use axum::http::HeaderValue;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

/// Bodies smaller than this are not worth compressing.
pub const MIN_COMPRESS: usize = 1024;
/// Compressed representations kept per view besides the fixed slots.
pub const MAX_PARTIAL: usize = 8;

/// Marks a response whose body is already in its final coding: the compression layer
/// leaves it alone (see [`crate::app::router`]).
#[derive(Debug, Clone, Copy)]
pub struct Encoded;

/// A content coding Herald can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Br,
    Zstd,
    Gzip,
}

impl Encoding {
    /// Server preference among equally acceptable codings: smallest first.
    const PREFERRED: [Encoding; 3] = [Encoding::Br, Encoding::Zstd, Encoding::Gzip];

    fn slot(self) -> usize {
        self as usize
    }

    /// The `Content-Encoding` value (`None` for identity).
    pub fn header(self) -> Option<HeaderValue> {
        let name = match self {
            Self::Identity => return None,
            Self::Br => "br",
            Self::Zstd => "zstd",
            Self::Gzip => "gzip",
        };
        Some(HeaderValue::from_static(name))
    }

    fn suffix(self) -> &'static str {
        match self {
            Self::Identity => "",
            Self::Br => "-br",
            Self::Zstd => "-zstd",
            Self::Gzip => "-gzip",
        }
    }

    /// The coding to answer `Accept-Encoding: accept` with: the acceptable one
    /// (q > 0) with the highest q, ties going to the smaller output; identity when the
    /// header is absent or accepts none of ours.
    pub fn negotiate(accept: Option<&str>) -> Encoding {
        let Some(accept) = accept else { return Encoding::Identity };
        let (mut q, mut star) = ([None::<u16>; 4], None::<u16>);
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .map(qvalue)
                .next()
                .unwrap_or(1000);
            let coding = match name.to_ascii_lowercase().as_str() {
                "br" => Encoding::Br,
                "zstd" => Encoding::Zstd,
                "gzip" | "x-gzip" => Encoding::Gzip,
                "identity" => Encoding::Identity,
                "*" => {
                    star = Some(weight);
                    continue;
                }
                _ => continue,
            };
            q[coding.slot()] = Some(weight);
        }
        let weight = |e: Encoding| q[e.slot()].or(star).unwrap_or(0);
        let best = Self::PREFERRED.into_iter().filter(|e| weight(*e) > 0).max_by(|a, b| {
            // max_by keeps the last of equals: compare so that earlier ones win ties.
            weight(*a).cmp(&weight(*b)).then(Self::rank(*b).cmp(&Self::rank(*a)))
        });
        match best {
            Some(e) if weight(e) >= q[Encoding::Identity.slot()].unwrap_or(1) => e,
            _ => Encoding::Identity,
        }
    }

    fn rank(e: Encoding) -> usize {
        Self::PREFERRED.iter().position(|p| *p == e).unwrap_or(usize::MAX)
    }

    /// `body` in this coding (identity: as is).
    fn encode(self, body: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Identity => Ok(body.to_vec()),
            Self::Br => {
                let params = brotli::enc::BrotliEncoderParams {
                    quality: 5,
                    lgwin: 22,
                    ..Default::default()
                };
                let mut out = Vec::with_capacity(body.len() / 8);
                brotli::BrotliCompress(&mut &body[..], &mut out, &params)?;
                Ok(out)
            }
            Self::Zstd => zstd::bulk::compress(body, 6),
            Self::Gzip => {
                let mut gz = flate2::write::GzEncoder::new(
                    Vec::with_capacity(body.len() / 6),
                    flate2::Compression::new(6),
                );
                gz.write_all(body)?;
                gz.finish()
            }
        }
    }
}

/// A q-value (`0` to `1` with up to three decimals) in thousandths; 0 if malformed.
fn qvalue(q: &str) -> u16 {
    let q = q.trim();
    let (whole, frac) = q.split_once('.').unwrap_or((q, ""));
    let digits: String = frac.chars().chain("000".chars()).take(3).collect();
    match (whole, digits.parse::<u16>()) {
        ("1", _) => 1000,
        ("0", Ok(f)) if frac.len() <= 3 && frac.bytes().all(|b| b.is_ascii_digit()) => f,
        _ => 0,
    }
}

/// One answer as sent: its body in one coding and that representation's ETag.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Bytes,
    pub etag: HeaderValue,
    pub encoding: Encoding,
}

impl Rendered {
    /// Encodes `raw` (falling back to identity when it is small or the codec fails)
    /// and tags it `W/"{hash}-{shown}{coding}"`.
    pub fn make(raw: Bytes, hash: u64, shown: usize, want: Encoding) -> Rendered {
        let encoded = match want {
            Encoding::Identity => None,
            _ if raw.len() < MIN_COMPRESS => None,
            coding => match coding.encode(&raw) {
                Ok(out) => Some((Bytes::from(out), coding)),
                Err(e) => {
                    tracing::warn!(error = %e, "dashboard answer not compressed");
                    None
                }
            },
        };
        let (body, encoding) = encoded.unwrap_or((raw, Encoding::Identity));
        let etag = format!("W/\"{hash:016x}-{shown}{}\"", encoding.suffix());
        let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("W/\"0\""));
        Rendered { body, etag, encoding }
    }
}

/// The representations of one view made so far (see the module docs).
#[derive(Debug, Default)]
pub struct Representations {
    /// The full answer, per coding.
    whole: [OnceLock<Rendered>; 4],
    /// The head-only answer (`limit=0`), never compressed (it is small).
    head: OnceLock<Rendered>,
    /// Other `(shown, coding)` pairs, at most [`MAX_PARTIAL`].
    partial: Mutex<Vec<(usize, Encoding, Rendered)>>,
}

impl Representations {
    /// The full answer in `coding`, made by `make` on first use.
    pub fn whole(&self, coding: Encoding, make: impl FnOnce() -> Rendered) -> Rendered {
        self.whole[coding.slot()].get_or_init(make).clone()
    }

    pub fn head(&self, make: impl FnOnce() -> Rendered) -> Rendered {
        self.head.get_or_init(make).clone()
    }

    /// A partial answer in `coding`: kept if there is room, else made uncompressed by
    /// `raw` each time (never compressed per request).
    pub fn partial(
        &self,
        shown: usize,
        coding: Encoding,
        make: impl FnOnce(Encoding) -> Rendered,
    ) -> Rendered {
        if coding == Encoding::Identity {
            return make(Encoding::Identity);
        }
        let kept = self.partial.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, _, r)) = kept.iter().find(|(n, c, _)| *n == shown && *c == coding) {
            return r.clone();
        }
        let room = kept.len() < MAX_PARTIAL;
        drop(kept);
        if !room {
            return make(Encoding::Identity);
        }
        let made = make(coding);
        let mut kept = self.partial.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() < MAX_PARTIAL && !kept.iter().any(|(n, c, _)| *n == shown && *c == coding) {
            kept.push((shown, coding, made.clone()));
        }
        made
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_read_with_its_q_values() {
        let n = |h| Encoding::negotiate(Some(h));
        assert_eq!(Encoding::negotiate(None), Encoding::Identity);
        assert_eq!(n("gzip, deflate, br, zstd"), Encoding::Br, "ties go to the smallest");
        assert_eq!(n("gzip, deflate"), Encoding::Gzip);
        assert_eq!(n("br;q=0.5, gzip;q=0.8"), Encoding::Gzip);
        assert_eq!(n("br;q=0, zstd"), Encoding::Zstd);
        assert_eq!(n("*;q=0.1, br;q=0"), Encoding::Zstd);
        assert_eq!(n("deflate"), Encoding::Identity);
        assert_eq!(n("br;q=0.2, identity;q=0.9"), Encoding::Identity);
        assert_eq!(n("BR;Q=1.0"), Encoding::Br);
        assert_eq!(n("gzip;q=bogus"), Encoding::Identity, "a malformed q is 0");
    }

    #[test]
    fn each_representation_has_its_own_tag_and_decodes_to_the_raw_body() {
        let raw =
            Bytes::from("{\"posts\":[".to_owned() + &"{\"text\":\"hello\"},".repeat(200) + "]}");
        let plain = Rendered::make(raw.clone(), 7, 3, Encoding::Identity);
        let gz = Rendered::make(raw.clone(), 7, 3, Encoding::Gzip);
        let zs = Rendered::make(raw.clone(), 7, 3, Encoding::Zstd);
        let br = Rendered::make(raw.clone(), 7, 3, Encoding::Br);
        assert_eq!(plain.etag, "W/\"0000000000000007-3\"");
        assert_eq!(br.etag, "W/\"0000000000000007-3-br\"");
        let mut out = vec![];
        flate2::read::GzDecoder::new(&gz.body[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, raw);
        assert_eq!(zstd::decode_all(&zs.body[..]).unwrap(), raw);
        let mut out = vec![];
        brotli::BrotliDecompress(&mut &br.body[..], &mut out).unwrap();
        assert_eq!(out, raw);
        assert!(br.body.len() * 10 < raw.len(), "{} of {}", br.body.len(), raw.len());
        let small = Rendered::make(Bytes::from_static(b"{}"), 7, 0, Encoding::Br);
        assert_eq!(small.encoding, Encoding::Identity, "too small to compress");
    }

    use std::io::Read;
}
