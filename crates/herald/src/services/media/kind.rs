//! What an upload is, read from its first bytes (the `infer` crate's signatures), never
//! from the client's file name or content type.

/// The types Herald accepts, as the 415 message names them.
pub const ACCEPTED: &str = "PNG, JPEG, GIF or WebP images, or MP4, QuickTime or WebM video";

const IMAGES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];
const VIDEO: [&str; 3] = ["video/mp4", "video/quicktime", "video/webm"];

/// The content type of an accepted file, `None` for anything else.
pub fn sniff(data: &[u8]) -> Option<&'static str> {
    let found = infer::get(data)?.mime_type();
    IMAGES.into_iter().chain(VIDEO).find(|t| *t == found)
}

pub fn is_image(content_type: &str) -> bool {
    IMAGES.contains(&content_type)
}

/// A safe file name for the stored file: the client's, reduced to letters, digits,
/// `.`, `-` and `_` (at most 100), with the extension of what the file really is.
pub fn file_name(given: &str, content_type: &str) -> String {
    let stem = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = stem.split('.').next().unwrap_or_default();
    let mut safe: String = stem
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(100)
        .collect();
    if safe.is_empty() {
        safe = "file".into();
    }
    let ext = content_type.rsplit('/').next().unwrap_or("bin");
    let ext = match ext {
        "jpeg" => "jpg",
        "quicktime" => "mov",
        e => e,
    };
    format!("{safe}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff(png), Some("image/png"));
        assert_eq!(
            sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            None,
            "SVG can carry script"
        );
        assert_eq!(sniff(b"%PDF-1.7"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn stored_names_are_safe_and_say_what_the_file_is() {
        assert_eq!(file_name("../../etc/passwd", "image/png"), "passwd.png");
        assert_eq!(file_name("Spring sale!.exe.jpg", "image/jpeg"), "Springsale.jpg");
        assert_eq!(file_name("", "video/quicktime"), "file.mov");
    }
}
