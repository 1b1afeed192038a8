//! Thumbnails of images (PNG, JPEG, GIF, WebP), with the `image` crate. An image's size
//! is read from its header first ([`header`]), which decodes no pixel: an image of more
//! than [`MAX_PIXELS`] or [`MAX_DECODED_BYTES`] decoded is refused from it, as a few
//! hundred KB of PNG can claim gigabytes of pixels (security review 3, N6). One that fits
//! is decoded ([`of`], on the blocking pool, see [`super::decode`]), scaled to fit
//! [`SIZE`] pixels and stored as JPEG. A file that does not decode gets none.

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Cursor;

/// The longest side of a thumbnail, in pixels.
pub const SIZE: u32 = 320;
/// The most pixels of an image Herald decodes.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The most bytes an image may take decoded.
pub const MAX_DECODED_BYTES: u64 = 128 * 1024 * 1024;

/// What an image's header says about its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub width: u32,
    pub height: u32,
    /// Its pixels' size in memory, decoded (`width × height × bytes per pixel`).
    pub decoded_bytes: u64,
}

impl Header {
    pub fn pixels(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// Whether it is small enough to decode.
    pub fn fits(&self) -> bool {
        self.pixels() <= MAX_PIXELS && self.decoded_bytes <= MAX_DECODED_BYTES
    }
}

/// An image's size and thumbnail.
pub struct Thumbnail {
    pub width: i64,
    pub height: i64,
    pub jpeg: Vec<u8>,
}

fn decoder(data: &[u8], limits: Limits) -> Option<impl ImageDecoder + '_> {
    let mut reader = ImageReader::new(Cursor::new(data)).with_guessed_format().ok()?;
    reader.limits(limits);
    reader.into_decoder().ok()
}

/// The header of `data` if it is an image whose header reads; no pixel is decoded.
pub fn header(data: &[u8], content_type: &str) -> Option<Header> {
    if !super::kind::is_image(content_type) {
        return None;
    }
    let decoder = decoder(data, Limits::default())?;
    let (width, height) = decoder.dimensions();
    Some(Header { width, height, decoded_bytes: decoder.total_bytes() })
}

/// The thumbnail of the image `data`, whose header is `header`, if it fits and decodes.
/// Slow for a large image: run it on the blocking pool.
pub fn of(data: &[u8], header: Header) -> Option<Thumbnail> {
    if !header.fits() {
        return None;
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(header.width);
    limits.max_image_height = Some(header.height);
    limits.max_alloc = Some(2 * MAX_DECODED_BYTES);
    let image = DynamicImage::from_decoder(decoder(data, limits)?).ok()?;
    let small = image.thumbnail(SIZE, SIZE).into_rgb8();
    let mut jpeg = Vec::new();
    small.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).ok()?;
    let (width, height) = (i64::from(header.width), i64::from(header.height));
    Some(Thumbnail { width, height, jpeg })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]));
        let mut out = Vec::new();
        image.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }

    fn thumbnail(data: &[u8]) -> Option<Thumbnail> {
        of(data, header(data, "image/png")?)
    }

    #[test]
    fn an_image_gets_a_small_jpeg_and_its_size() {
        let t = thumbnail(&png(1200, 600)).expect("a thumbnail");
        assert_eq!((t.width, t.height), (1200, 600));
        let small = image::load_from_memory(&t.jpeg).unwrap();
        assert_eq!((small.width(), small.height()), (320, 160));
    }

    #[test]
    fn video_and_broken_images_get_none() {
        assert!(header(&png(10, 10), "video/mp4").is_none());
        assert!(thumbnail(b"\x89PNG\r\n\x1a\nbroken").is_none());
    }

    #[test]
    fn the_header_gives_the_size_decoded_and_the_limits_are_inclusive() {
        let h = header(&png(300, 200), "image/png").expect("a header");
        assert_eq!(h, Header { width: 300, height: 200, decoded_bytes: 300 * 200 * 3 });
        let at_limit = Header { width: 8_000, height: 5_000, decoded_bytes: MAX_DECODED_BYTES };
        assert!(at_limit.fits());
        assert!(!Header { width: 8_000, height: 5_001, ..at_limit }.fits(), "pixels");
        assert!(!Header { decoded_bytes: MAX_DECODED_BYTES + 1, ..at_limit }.fits(), "bytes");
    }
}
