//! Marketing image upload (`POST /v3/marketing/favor/media/image-upload`): the multipart body
//! whose signature covers only the `meta` JSON.

use crate::error::InputError;

/// Path of the favor image-upload endpoint.
pub const IMAGE_UPLOAD_PATH: &str = "/v3/marketing/favor/media/image-upload";
/// Largest accepted image: 2 MiB ("不能超过2M").
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;
/// Longest accepted file name, in characters.
pub const MAX_FILENAME_CHARS: usize = 128;

/// A built multipart upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartUpload {
    /// The `meta` JSON (`{"filename":…,"sha256":…}`): this, not the body, is signed.
    pub meta: String,
    /// The whole `multipart/form-data` body.
    pub body: Vec<u8>,
    /// The `Content-Type` header value with the boundary.
    pub content_type: String,
}

/// Checks the name and size of an image and returns its MIME type, taken from the file name.
///
/// Accepted: JPG/JPEG, PNG, BMP by file suffix; a name of 1 to 128 characters (characters, not
/// bytes: a long Chinese name is fine); 1 byte to 2 MiB. Whether the bytes really are such an
/// image (their signature) is a SHOULD rule and not refused here: validation reports it as the
/// V-IMG-03 warning, and the server decides.
pub fn check_image(filename: &str, bytes: &[u8]) -> Result<&'static str, InputError> {
    let unsupported = |reason: &str| InputError::UnsupportedImage {
        filename: filename.chars().take(64).collect(),
        reason: reason.to_owned(),
    };
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(InputError::ImageTooLarge {
            size: bytes.len(),
            max: MAX_IMAGE_BYTES,
        });
    }
    let chars = filename.chars().count();
    if chars == 0 || chars > MAX_FILENAME_CHARS {
        return Err(unsupported("file name must be 1 to 128 characters"));
    }
    if filename
        .chars()
        .any(|c| c == '"' || c == '\\' || c == '/' || c.is_control())
    {
        return Err(unsupported(
            "file name must not contain quotes, slashes or control characters",
        ));
    }
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let by_name = match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "bmp" => "image/bmp",
        _ => return Err(unsupported("file name must end in .jpg, .jpeg, .png or .bmp")),
    };
    if bytes.is_empty() {
        return Err(unsupported("the file is empty"));
    }
    Ok(by_name)
}

/// Builds the two-part body (`meta`, then `file`) with CRLF line breaks.
pub fn build_multipart(filename: &str, bytes: &[u8], boundary: &str) -> Result<MultipartUpload, InputError> {
    let mime = check_image(filename, bytes)?;
    if boundary.is_empty()
        || boundary.len() > 70
        || !boundary
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
    {
        return Err(InputError::Invalid {
            field: "boundary".into(),
            expected: "1 to 70 characters of [0-9A-Za-z_-]".into(),
        });
    }
    let sha = crate::crypto::hex_lower(&crate::crypto::sha256(bytes));
    let meta = serde_json::json!({"filename": filename, "sha256": sha}).to_string();
    let mut body = Vec::with_capacity(bytes.len() + meta.len() + 4 * boundary.len() + 256);
    let mut put = |s: &str| body.extend_from_slice(s.as_bytes());
    put(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n"
    ));
    put(&meta);
    put(&format!(
        "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
    ));
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Ok(MultipartUpload {
        meta,
        body,
        content_type: format!("multipart/form-data; boundary={boundary}"),
    })
}

/// The decoded image-upload response.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImageUploadResponse {
    /// URL to use in `pattern_info.merchant_logo` / `coupon_image`.
    pub media_url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_checks() {
        let png = b"\x89PNG\r\n\x1a\nrest";
        assert_eq!(check_image("a.PNG", png).unwrap(), "image/png");
        assert!(matches!(
            check_image("a.gif", b"GIF89a"),
            Err(InputError::UnsupportedImage { .. })
        ));
        // Content that does not match the name is a validation warning, not refused here.
        assert_eq!(check_image("a.jpg", png).unwrap(), "image/jpeg");
        assert!(matches!(
            check_image("a.png", b""),
            Err(InputError::UnsupportedImage { .. })
        ));
        let big = vec![0u8; MAX_IMAGE_BYTES + 1];
        assert!(matches!(
            check_image("a.png", &big),
            Err(InputError::ImageTooLarge { .. })
        ));
        assert!(check_image("a\".png", png).is_err());
    }
}
