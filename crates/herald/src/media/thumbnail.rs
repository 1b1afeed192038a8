//! Thumbnails of images: decoded with the `image` crate (PNG, JPEG, GIF, WebP; decoding
//! limited so a small file claiming huge dimensions cannot exhaust memory), scaled to
//! fit [`SIZE`] pixels and stored as JPEG. A file that does not decode gets none.

use image::{ImageDecoder, ImageReader, Limits};
use std::io::Cursor;

/// The longest side of a thumbnail, in pixels.
pub const SIZE: u32 = 320;
/// The largest image decoded (pixels per side, and bytes allocated).
const MAX_SIDE: u32 = 12_000;
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// An image's size and thumbnail.
pub struct Thumbnail {
    pub width: i64,
    pub height: i64,
    pub jpeg: Vec<u8>,
}

/// The thumbnail of `data` if it is an image that decodes.
pub fn of(data: &[u8], content_type: &str) -> Option<Thumbnail> {
    if !super::kind::is_image(content_type) {
        return None;
    }
    let mut reader = ImageReader::new(Cursor::new(data)).with_guessed_format().ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let decoder = reader.into_decoder().ok()?;
    let (width, height) = decoder.dimensions();
    let image = image::DynamicImage::from_decoder(decoder).ok()?;
    let small = image.thumbnail(SIZE, SIZE).into_rgb8();
    let mut jpeg = Vec::new();
    small.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).ok()?;
    Some(Thumbnail { width: i64::from(width), height: i64::from(height), jpeg })
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

    #[test]
    fn an_image_gets_a_small_jpeg_and_its_size() {
        let t = of(&png(1200, 600), "image/png").expect("a thumbnail");
        assert_eq!((t.width, t.height), (1200, 600));
        let small = image::load_from_memory(&t.jpeg).unwrap();
        assert_eq!((small.width(), small.height()), (320, 160));
    }

    #[test]
    fn video_and_broken_images_get_none() {
        assert!(of(&png(10, 10), "video/mp4").is_none());
        assert!(of(b"\x89PNG\r\n\x1a\nbroken", "image/png").is_none());
    }
}
