//! `multipart/form-data` uploads as WeChat Pay APIv3 takes them: a `meta` part holding JSON,
//! then a `file` part. The signature covers the `meta` JSON, not the body, so a request is
//! (re-)signed over [`meta_part`]. Which files an endpoint accepts is the endpoint's business
//! (the coupon API's image upload, for one).

use crate::error::InputError;
use crate::http::Headers;

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

/// The media type of an upload body, before `; boundary=…`.
pub const CONTENT_TYPE: &str = "multipart/form-data";

/// Builds the two-part body (`meta` = `meta_json`, then `file` = `bytes` named `filename` of type
/// `mime`) with CRLF line breaks.
///
/// The boundary must be 1 to 70 characters of `[0-9A-Za-z_-]` and must not occur in the file;
/// `filename` must not contain quotes, backslashes or control characters (it is written into a
/// header).
pub fn encode(
    meta_json: String,
    filename: &str,
    mime: &str,
    bytes: &[u8],
    boundary: &str,
) -> Result<MultipartUpload, InputError> {
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
    if bytes.windows(boundary.len()).any(|w| w == boundary.as_bytes()) {
        return Err(InputError::Invalid {
            field: "boundary".into(),
            expected: "a boundary that does not occur in the file".into(),
        });
    }
    if filename.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
        return Err(InputError::Invalid {
            field: "filename".into(),
            expected: "a file name without quotes, backslashes or control characters".into(),
        });
    }
    let mut body = Vec::with_capacity(bytes.len() + meta_json.len() + 4 * boundary.len() + 256);
    let mut put = |s: &str| body.extend_from_slice(s.as_bytes());
    put(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n"
    ));
    put(&meta_json);
    put(&format!(
        "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
    ));
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Ok(MultipartUpload {
        meta: meta_json,
        body,
        content_type: format!("{CONTENT_TYPE}; boundary={boundary}"),
    })
}

/// Whether `headers` declare a `multipart/form-data` body.
pub fn is_multipart(headers: &Headers) -> bool {
    headers.get("Content-Type").is_some_and(|ct| {
        ct.trim_start()
            .get(..CONTENT_TYPE.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(CONTENT_TYPE))
    })
}

/// The first part's content (the `meta` JSON) of a body built by [`encode`].
pub fn meta_part(body: &[u8]) -> Option<&[u8]> {
    let start = body.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let len = body[start..].windows(2).position(|w| w == b"\r\n")?;
    Some(&body[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_is_found_and_the_type_recognised() {
        let up = encode(
            r#"{"a":1}"#.into(),
            "a.png",
            "image/png",
            b"\x89PNG\r\n\x1a\nxx",
            "B0UND",
        )
        .unwrap();
        assert_eq!(meta_part(&up.body), Some(&br#"{"a":1}"#[..]));
        let mut h = Headers::new();
        h.append("content-type", up.content_type.as_str());
        assert!(is_multipart(&h));
        h.set("Content-Type", "application/json");
        assert!(!is_multipart(&h));
    }

    #[test]
    fn bad_boundaries_and_names_are_refused() {
        let enc = |b: &str, name: &str, bytes: &[u8]| encode("{}".into(), name, "image/png", bytes, b);
        assert!(enc("", "a.png", b"x").is_err());
        assert!(enc("a b", "a.png", b"x").is_err());
        assert!(enc(&"b".repeat(71), "a.png", b"x").is_err());
        assert!(enc("XYZ", "a.png", b"..XYZ..").is_err());
        assert!(enc("B", "a\".png", b"x").is_err());
        assert!(enc("B", "a\r\n.png", b"x").is_err());
        assert!(enc("B", "a.png", b"x").is_ok());
    }
}
