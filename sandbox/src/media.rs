//! Uploaded images, kept as files in the merchant directory's `media/` folder (not in memory),
//! within a cap on their number and total size.
//!
//! A file is named by its media id (`<32 hex digits of its SHA-256>.<ext>`), so the same image
//! uploaded twice is stored once, and the images of earlier runs on the same directory are found
//! again at start. Ids from URLs are checked against that shape before any file is touched.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::json;

use crate::server::lock;
use crate::util::ApiErr;

/// Name of the folder inside the merchant directory.
pub const MEDIA_DIR: &str = "media";

/// The on-disk image store.
#[derive(Debug)]
pub struct MediaStore {
    dir: PathBuf,
    max_files: usize,
    max_bytes: u64,
    /// id → size in bytes.
    index: Mutex<HashMap<String, u64>>,
}

/// The MIME type served for a media id's extension (`None` for an id of the wrong shape).
pub fn mime_of(id: &str) -> Option<&'static str> {
    let (hash, ext) = id.split_once('.')?;
    if hash.len() != 32 || !hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    match ext {
        "png" => Some("image/png"),
        "bmp" => Some("image/bmp"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        _ => None,
    }
}

impl MediaStore {
    /// A store in `<merchant_dir>/media`, indexing the images already there. Files whose name is
    /// not a media id are ignored. The folder is created on the first upload.
    pub fn open(merchant_dir: &Path, max_files: usize, max_bytes: u64) -> Self {
        let dir = merchant_dir.join(MEDIA_DIR);
        let mut index = HashMap::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let size = e.metadata().ok().filter(std::fs::Metadata::is_file).map(|m| m.len());
                if let (Some(size), Some(_)) = (size, mime_of(&name)) {
                    index.insert(name, size);
                }
            }
        }
        Self {
            dir,
            max_files,
            max_bytes,
            index: Mutex::new(index),
        }
    }

    /// Whether `id` was uploaded.
    pub fn contains(&self, id: &str) -> bool {
        lock(&self.index).contains_key(id)
    }

    /// Number of images and their total size in bytes.
    pub fn usage(&self) -> (usize, u64) {
        let index = lock(&self.index);
        (index.len(), index.values().sum())
    }

    /// Stores `bytes` as `id` (a media id: see [`mime_of`]). Storing an id already present is a
    /// no-op. Refused when the store would exceed its caps.
    pub fn put(&self, id: &str, bytes: &[u8]) -> Result<(), ApiErr> {
        if mime_of(id).is_none() {
            return Err(ApiErr::new(500, "SYSTEM_ERROR", "invalid media id"));
        }
        let mut index = lock(&self.index);
        if index.contains_key(id) {
            return Ok(());
        }
        let size = bytes.len() as u64;
        let used: u64 = index.values().sum();
        if index.len() >= self.max_files || used.saturating_add(size) > self.max_bytes {
            return Err(ApiErr::param(
                "file",
                json!(bytes.len()),
                format!(
                    "图片存储已满 (media store full: {} images and {used} bytes kept, at most {} images and {} bytes; see ServerLimits::max_media_files / max_media_bytes)",
                    index.len(),
                    self.max_files,
                    self.max_bytes
                ),
                "body",
            ));
        }
        let io = |e: std::io::Error| ApiErr::new(500, "SYSTEM_ERROR", format!("storing the image failed: {e}"));
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        // Write under a temporary name, then rename: a reader never sees half an image.
        let tmp = self.dir.join(format!(".{id}.tmp"));
        std::fs::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, self.dir.join(id)).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io(e)
        })?;
        index.insert(id.to_owned(), size);
        Ok(())
    }

    /// The MIME type and bytes of `id`, if it was uploaded.
    pub fn get(&self, id: &str) -> Option<(&'static str, Vec<u8>)> {
        let mime = mime_of(id)?;
        if !self.contains(id) {
            return None;
        }
        std::fs::read(self.dir.join(id)).ok().map(|b| (mime, b))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const ID_A: &str = "0123456789abcdef0123456789abcdef.png";
    const ID_B: &str = "fedcba9876543210fedcba9876543210.jpg";

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("media-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn ids_outside_the_shape_are_refused_before_touching_files() {
        for bad in [
            "../merchant.json",
            "x.png",
            "0123456789ABCDEF0123456789ABCDEF.png",
            &format!("{ID_A}/.."),
            "0123456789abcdef0123456789abcdef.exe",
            ".0123456789abcdef0123456789abcdef.png.tmp",
        ] {
            assert_eq!(mime_of(bad), None, "{bad}");
        }
        assert_eq!(mime_of(ID_A), Some("image/png"));
    }

    #[test]
    fn images_live_on_disk_within_the_caps_and_survive_a_reopen() {
        let d = dir("caps");
        let store = MediaStore::open(&d, 2, 10);
        store.put(ID_A, b"12345").unwrap();
        store.put(ID_A, b"12345").unwrap();
        assert_eq!(store.usage(), (1, 5));
        assert_eq!(std::fs::read(d.join(MEDIA_DIR).join(ID_A)).unwrap(), b"12345");
        let full = store.put(ID_B, b"123456").unwrap_err();
        assert_eq!((full.status, full.code), (400, "PARAM_ERROR"));
        assert!(
            full.message.contains("at most 2 images and 10 bytes"),
            "{}",
            full.message
        );
        store.put(ID_B, b"12345").unwrap();
        let again = MediaStore::open(&d, 2, 10);
        assert_eq!(again.usage(), (2, 10));
        assert_eq!(again.get(ID_B), Some(("image/jpeg", b"12345".to_vec())));
        assert!(again.put("11111111111111111111111111111111.bmp", b"1").is_err());
        let _ = std::fs::remove_dir_all(&d);
    }
}
