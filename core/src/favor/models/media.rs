//! The marketing image upload.

/// Image upload request (§3.19): a multipart body whose signature covers the `meta` part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageUploadRequest {
    /// File name ending in `.jpg`, `.png` or `.bmp`.
    pub filename: String,
    /// The image bytes (≤ 2 MiB).
    pub bytes: Vec<u8>,
}

pub use crate::favor::media::ImageUploadResponse;
