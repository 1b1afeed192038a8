//! Arbitrary Ayrshare answers (an HTTP status, then the raw body) through every response
//! decoder of the `ayrshare` client. Properties: no input panics, and no decoded error
//! shows the API key or the profile key whole (see `ayrshare::fuzz_decode`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [hi, lo, body @ ..] => (u16::from_be_bytes([*hi, *lo]), body),
        _ => (200, data),
    };
    // Mostly statuses Ayrshare sends, sometimes any u16.
    let status = if status & 0x8000 == 0 { [200, 201, 400, 401, 403, 404, 429, 500, 502, 503][usize::from(status % 10)] } else { status & 0x7fff };
    ayrshare::fuzz_decode(status, body);
});
