//! The third outside review's media findings (`security-3.md` N6 and the media part of
//! N2), against the real `herald serve` binary, whose memory the tests read: an image
//! bomb is refused from its header without being decoded; decoding large images leaves
//! the server answering `/healthz`; slow readers of a large medium do not each hold the
//! whole file in memory.

use crate::api::hardening::sim;
use crate::support::process::{self, Herald};
use crate::support::*;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use std::cell::Cell;
use std::future::Future;
use std::io::Write;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A PNG of `width` × `height` 8-bit RGB pixels, all zero but the first row (`seed`),
/// every row with `filter` (Paeth makes decoding slow, as the review's bombs did), written
/// row by row so the test never holds the decoded image.
pub(crate) fn zero_png(width: u32, height: u32, seed: u8, filter: png::Filter) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_filter(filter);
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header().unwrap();
    let mut stream = writer.stream_writer().unwrap();
    let mut row = vec![seed; width as usize * 3];
    stream.write_all(&row).unwrap();
    row.fill(0);
    for _ in 1..height {
        stream.write_all(&row).unwrap();
    }
    stream.finish().unwrap();
    writer.finish().unwrap();
    out
}

/// `herald serve` with its own public URL (media URLs are Herald's), a workspace and an
/// editor's token.
async fn herald_with_editor(sim: &ayrshare_sim::SimHandle) -> (Herald, String, String) {
    let env = [("HERALD_PUBLIC_URL", "http://herald.test".to_owned())];
    let herald = process::start(&sim.base_url(), &env).await;
    let http = reqwest::Client::new();
    let key = "PROFILE-media-0123456789abcdef";
    sim_profile(&http, &sim.base_url(), "media", key).await;
    let ws: Value = http
        .post(format!("{}/api/workspaces", herald.url))
        .bearer_auth(ADMIN)
        .json(&json!({"name": "media", "ayrshare_profile_key": key}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ws = ws["id"].as_str().expect("a workspace").to_owned();
    let editor: Value = http
        .post(format!("{}/api/workspaces/{ws}/tokens", herald.url))
        .bearer_auth(ADMIN)
        .json(&json!({"role": "editor"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let editor = editor["token"].as_str().expect("a token").to_owned();
    (herald, ws, editor)
}

async fn upload(url: &str, ws: &str, editor: &str, name: &str, data: Vec<u8>) -> Reply {
    let part = Part::bytes(data).file_name(name.to_owned());
    let res = reqwest::Client::new()
        .post(format!("{url}/api/workspaces/{ws}/media"))
        .bearer_auth(editor)
        .multipart(Form::new().part("file", part))
        .timeout(Duration::from_secs(120))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
}

#[tokio::test]
async fn n6_an_image_bomb_is_refused_from_its_header_without_being_decoded() {
    let _turn = crate::support::heavy::heavy().await;
    let sim = sim().await;
    let (herald, ws, editor) = herald_with_editor(&sim).await;
    let bomb = zero_png(12_000, 12_000, 0, png::Filter::NoFilter);
    assert!(bomb.len() < 1 << 20, "the bomb is small on the wire: {} bytes", bomb.len());
    let peak_before = herald.peak_rss_bytes();
    let reply = upload(&herald.url, &ws, &editor, "bomb.png", bomb).await;
    let peak_after = herald.peak_rss_bytes();
    eprintln!(
        "12,000 x 12,000 RGB8 PNG: {}; server peak RSS {} MiB -> {} MiB",
        reply.status,
        peak_before >> 20,
        peak_after >> 20
    );
    let body = reply.expect_error(422, "image_too_large");
    assert_eq!((body["error"]["details"]["width"].as_u64()), Some(12_000), "{body}");
    let grown = peak_after.saturating_sub(peak_before);
    assert!(grown < 64 << 20, "the refusal grew the server's peak by {} MiB", grown >> 20);
}

/// What `busy` gave, and how long `/healthz` took at worst while it ran (probed every
/// 20 ms).
async fn worst_healthz_while<T>(url: &str, busy: impl Future<Output = T>) -> (T, Duration) {
    let http = reqwest::Client::new();
    let worst = Cell::new(Duration::ZERO);
    let probe = async {
        loop {
            let started = Instant::now();
            let res = http.get(format!("{url}/healthz")).timeout(Duration::from_secs(30)).send();
            assert_eq!(res.await.expect("/healthz answers").status(), 200);
            worst.set(worst.get().max(started.elapsed()));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let done = tokio::select! {
        done = busy => done,
        never = probe => never,
    };
    (done, worst.get())
}

#[tokio::test]
async fn n6_healthz_answers_quickly_while_large_allowed_images_decode() {
    let _turn = crate::support::heavy::heavy().await;
    let sim = sim().await;
    let (herald, ws, editor) = herald_with_editor(&sim).await;
    // 6,000 x 6,000 (36 Mpx, 103 MiB decoded): under both limits, slow to decode.
    let images: Vec<Vec<u8>> =
        (1..=6).map(|seed| zero_png(6_000, 6_000, seed, png::Filter::Paeth)).collect();
    let uploads = images.into_iter().enumerate().map(|(i, image)| {
        let (url, ws, editor) = (&herald.url, &ws, &editor);
        async move { upload(url, ws, editor, &format!("large{i}.png"), image).await }
    });
    let started = Instant::now();
    let (replies, worst) =
        worst_healthz_while(&herald.url, futures::future::join_all(uploads)).await;
    eprintln!(
        "6 uploads of 6,000 x 6,000 PNGs in {:?}; /healthz at worst {worst:?}",
        started.elapsed()
    );
    for reply in replies {
        let media = reply.expect(201);
        assert_eq!(media["width"].as_u64(), Some(6_000), "{media}");
    }
    assert!(worst < Duration::from_millis(750), "/healthz took {worst:?} while images decoded");
}

/// A file `infer` reads as MP4 video (nothing decodes it): `len` bytes of a pattern.
pub(crate) fn fake_mp4(len: usize, seed: u8) -> Vec<u8> {
    let mut data: Vec<u8> = (0..len).map(|i| (i % 251) as u8 ^ seed).collect();
    data[..12].copy_from_slice(b"\0\0\0\x18ftypmp42");
    data
}

/// A connection that asks for `path`, reads its first 4 KiB and then reads no more.
async fn slow_reader(port: u16, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: herald.test\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let mut got = 0;
    while got < buf.len() {
        let n = stream.read(&mut buf[got..]).await.unwrap();
        assert!(n > 0, "the server closed the connection");
        got += n;
    }
    assert!(buf.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&buf[..64]));
    stream
}

#[tokio::test]
async fn n2_thirty_slow_readers_of_a_50_mib_medium_do_not_each_hold_it_in_memory() {
    let _turn = crate::support::heavy::heavy().await;
    let sim = sim().await;
    let (herald, ws, editor) = herald_with_editor(&sim).await;
    let file = fake_mp4(50 << 20, 7);
    let media = upload(&herald.url, &ws, &editor, "big.mp4", file).await.expect(201);
    assert_eq!(media["content_type"], "video/mp4", "{media}");
    let path = format!("/media/{ws}/{}", media["id"].as_str().unwrap());
    let whole = reqwest::get(format!("{}{path}", herald.url)).await.unwrap();
    assert_eq!(whole.bytes().await.unwrap().len(), 50 << 20, "one reader gets it all");

    let before = herald.rss_bytes();
    let readers = (0..30).map(|_| slow_reader(herald.port, &path));
    let held = tokio::time::timeout(Duration::from_secs(120), futures::future::join_all(readers))
        .await
        .expect("30 readers get their first bytes");
    let during = herald.rss_bytes();
    eprintln!(
        "30 slow readers of a 50 MiB medium: server RSS {} MiB before, {} MiB while held",
        before >> 20,
        during >> 20
    );
    drop(held);
    let grown = during.saturating_sub(before);
    assert!(grown < 64 << 20, "30 slow readers grew the server by {} MiB", grown >> 20);
}
