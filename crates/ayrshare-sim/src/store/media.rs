//! Uploaded media: files sent to `POST /media/upload`, and the slots
//! `GET /media/uploadUrl` opens for a later `PUT` of the bytes. Both are served at
//! `/__sim/media/{id}` with their content type.

use rand::distributions::{Alphanumeric, DistString};

use super::Store;

/// One media file; `bytes` is `None` until an upload slot is filled.
#[derive(Debug, Clone)]
pub(crate) struct Media {
    pub(crate) content_type: String,
    pub(crate) file_name: String,
    pub(crate) bytes: Option<Vec<u8>>,
}

/// A new media id: 24 alphanumerics.
fn new_media_id() -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), 24)
}

impl Store {
    /// Stores a file; its id.
    pub(crate) fn add_media(
        &mut self,
        file_name: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> String {
        let id = new_media_id();
        let media = Media {
            content_type: content_type.to_string(),
            file_name: file_name.to_string(),
            bytes: Some(bytes),
        };
        self.media.insert(id.clone(), media);
        id
    }

    /// Opens an empty slot for a later upload; its id.
    pub(crate) fn open_upload(&mut self, file_name: &str, content_type: &str) -> String {
        let id = new_media_id();
        let media = Media {
            content_type: content_type.to_string(),
            file_name: file_name.to_string(),
            bytes: None,
        };
        self.media.insert(id.clone(), media);
        id
    }

    /// Fills an upload slot (or replaces the file); `false` for an unknown id.
    pub(crate) fn fill_upload(&mut self, id: &str, bytes: Vec<u8>) -> bool {
        self.media.get_mut(id).map(|m| m.bytes = Some(bytes)).is_some()
    }

    /// A stored file (`None` while a slot is empty).
    pub(crate) fn media_file(&self, id: &str) -> Option<Media> {
        self.media.get(id).filter(|m| m.bytes.is_some()).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_slot_serves_nothing_until_filled() {
        let mut store = Store::default();
        let id = store.open_upload("a.png", "image/png");
        assert!(store.media_file(&id).is_none());
        assert!(store.fill_upload(&id, vec![1, 2]));
        let file = store.media_file(&id).expect("filled");
        assert_eq!((file.content_type.as_str(), file.bytes), ("image/png", Some(vec![1, 2])));
        assert!(!store.fill_upload("nope", vec![]));
        let direct = store.add_media("b.txt", "text/plain", b"hi".to_vec());
        assert_eq!(store.media[&direct].file_name, "b.txt");
    }
}
