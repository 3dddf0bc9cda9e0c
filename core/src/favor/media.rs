//! Marketing image upload (`POST /v3/marketing/favor/media/image-upload`): which images are
//! accepted, the `meta` JSON, the signed request and its response. The multipart encoding itself
//! is generic ([`crate::multipart`]).

use crate::client::Client;
use crate::error::{InputError, Result};
use crate::http::{HttpRequest, HttpResponse, Method};
pub use crate::multipart::MultipartUpload;

/// Path of the favor image-upload endpoint.
pub const IMAGE_UPLOAD_PATH: &str = "/v3/marketing/favor/media/image-upload";
/// Largest accepted image: 2 MiB ("不能超过2M").
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;
/// Longest accepted file name, in characters.
pub const MAX_FILENAME_CHARS: usize = 128;

/// Checks the name and size of an image and returns its MIME type, taken from the file name.
///
/// Accepted: JPG/JPEG, PNG, BMP by file suffix; a name of 1 to 128 characters (characters, not
/// bytes: a long Chinese name is fine); 1 byte to 2 MiB. Whether the bytes really are such an
/// image (their signature) is a SHOULD rule and not refused here: validation reports it as the
/// V-IMG-03 warning, and the server decides.
pub fn check_image(filename: &str, bytes: &[u8]) -> std::result::Result<&'static str, InputError> {
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

/// Checks the image ([`check_image`]) and builds its two-part body: `meta` is
/// `{"filename":…,"sha256":…}` (hex SHA-256 of the bytes), then the file.
pub fn build_multipart(
    filename: &str,
    bytes: &[u8],
    boundary: &str,
) -> std::result::Result<MultipartUpload, InputError> {
    let mime = check_image(filename, bytes)?;
    let sha = crate::crypto::hex_lower(&crate::crypto::sha256(bytes));
    let meta = serde_json::json!({"filename": filename, "sha256": sha}).to_string();
    crate::multipart::encode(meta, filename, mime, bytes, boundary)
}

/// Builds the signed upload request of `filename` with `bytes` under `boundary`.
pub(crate) fn image_upload_request(
    client: &Client,
    filename: &str,
    bytes: &[u8],
    boundary: &str,
) -> Result<HttpRequest> {
    let upload = build_multipart(filename, bytes, boundary)?;
    let url = format!("{}{}", client.base_url(), IMAGE_UPLOAD_PATH);
    client.signed_request(
        Method::Post,
        url,
        upload.body,
        Some(&upload.content_type),
        Some(upload.meta.as_bytes()),
    )
}

/// Verifies and decodes the image-upload response.
pub(crate) fn parse_image_upload_response(client: &Client, response: &HttpResponse) -> Result<ImageUploadResponse> {
    Ok(client.parse_response(response)?.json("image upload response")?)
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

    #[test]
    fn meta_names_the_file_and_its_digest() {
        let png = b"\x89PNG\r\n\x1a\nrest";
        let up = build_multipart("a.png", png, "B0UND").unwrap();
        let meta: serde_json::Value = serde_json::from_str(&up.meta).unwrap();
        assert_eq!(meta["filename"], "a.png");
        assert_eq!(meta["sha256"], crate::crypto::hex_lower(&crate::crypto::sha256(png)));
        assert_eq!(crate::multipart::meta_part(&up.body), Some(up.meta.as_bytes()));
        assert!(build_multipart("a.gif", png, "B0UND").is_err());
    }
}
